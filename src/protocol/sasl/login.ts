/**
 * LOGIN (draft-murchison-sasl-login, obsolete but what Outlook and many phones use):
 * challenge "Username:", then "Password:". An initial response is the user name.
 */
import { SaslError, type SaslMechanism, type SaslStep } from './types.js';

const MAX_FIELD = 1024;

export class LoginMechanism implements SaslMechanism {
  readonly name = 'LOGIN';
  private user: string | null = null;
  private started = false;

  start(initialResponse?: Buffer): SaslStep {
    this.started = true;
    if (initialResponse === undefined || initialResponse.length === 0) return challenge('Username:');
    return this.step(initialResponse);
  }

  step(response: Buffer): SaslStep {
    if (!this.started) throw new SaslError('exchange not started');
    if (response.length > MAX_FIELD) throw new SaslError('LOGIN response too long');
    const text = response.toString('utf8');
    if (this.user === null) {
      if (text === '') throw new SaslError('empty user name');
      this.user = text;
      return challenge('Password:');
    }
    if (text === '') throw new SaslError('empty password');
    return { kind: 'done', identity: { authcid: this.user, authzid: null }, credential: { kind: 'password', password: text } };
  }
}

function challenge(text: string): SaslStep {
  return { kind: 'challenge', data: Buffer.from(text, 'ascii') };
}
