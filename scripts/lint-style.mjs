#!/usr/bin/env node
// Style rules the compiler does not check (STYLE.md habit 12 and "no any"):
//  - a source file over 400 lines is a warning, over 800 an error (generated files aside);
//  - `any` as a type annotation is an error in src/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
let errors = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.tsx?$/.test(name)) check(p);
  }
}
function check(p) {
  const rel = relative(root, p);
  const text = readFileSync(p, 'utf8');
  if (text.startsWith('// @generated')) return;
  const lines = text.split('\n').length;
  if (lines > 800) { console.error(`${rel}: ${lines} lines (limit 800)`); errors++; }
  else if (lines > 400) console.warn(`warning: ${rel}: ${lines} lines (aim under 400)`);
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/\/\/.*$/, '');
    if (/(:\s*any\b|<any>|\bas any\b|any\[\])/.test(code)) {
      console.error(`${rel}:${i + 1}: 'any' type — say what it is`);
      errors++;
    }
  });
}
walk(join(root, 'src'));
if (errors) { console.error(`${errors} style error(s)`); process.exit(1); }
