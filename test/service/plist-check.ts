import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { testdir } from '../helpers/testdir.js';

type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const PYTHON_PLISTLIB = 'import json, plistlib, sys; print(json.dumps(plistlib.loads(sys.stdin.buffer.read())))';

/** Which check runs here: Apple's plutil, else Python's plistlib (an XML parser), else our own strict reader. */
export function plistChecker(): 'plutil -lint' | 'python3 plistlib' | 'a strict plist reader of our own' {
  if (has('plutil')) return 'plutil -lint';
  if (spawnSync('python3', ['-c', 'import plistlib']).status === 0) return 'python3 plistlib';
  return 'a strict plist reader of our own';
}

/** Parses `text` with the checker above; throws when it does not parse. */
export async function checkPlist(text: string): Promise<Record<string, PlistValue>> {
  const checker = plistChecker();
  if (checker === 'plutil -lint') {
    const file = join(await testdir(), 'check.plist');
    await writeFile(file, text);
    const lint = spawnSync('plutil', ['-lint', file], { encoding: 'utf8' });
    if (lint.status !== 0) throw new Error(`plutil -lint: ${lint.stdout}${lint.stderr}`);
    return JSON.parse(spawnSync('plutil', ['-convert', 'json', '-o', '-', file], { encoding: 'utf8' }).stdout) as Record<string, PlistValue>;
  }
  if (checker === 'python3 plistlib') {
    const run = spawnSync('python3', ['-c', PYTHON_PLISTLIB], { input: text, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`plistlib: ${run.stderr}`);
    return JSON.parse(run.stdout) as Record<string, PlistValue>;
  }
  return readPlist(text);
}

/** The XML plist subset launchd files use (dict, key, string, integer, true, false, array), strictly. */
export function readPlist(text: string): Record<string, PlistValue> {
  const body = text
    .replace(/^<\?xml version="1\.0" encoding="UTF-8"\?>\s*/, '')
    .replace(/^<!DOCTYPE plist [^>]*>\s*/, '')
    .replace(/<!--[\s\S]*?-->\s*/g, '');
  const tokens = body.match(/<[^>]+>|[^<]+/g) ?? [];
  let at = 0;
  const next = () => {
    while (tokens[at] !== undefined && tokens[at]?.trim() === '') at += 1;
    const token = tokens[at];
    if (token === undefined) throw new Error('the plist ends too early');
    at += 1;
    return token;
  };
  const expect = (tag: string) => {
    const token = next();
    if (token !== tag) throw new Error(`expected ${tag}, found ${token}`);
  };
  const text_ = (close: string) => {
    const token = tokens[at] ?? '';
    const content = token.startsWith('<') ? '' : (at += 1, token);
    expect(close);
    if (/&(?!(amp|lt|gt|quot|apos);)|[<>]/.test(content)) throw new Error(`bad text ${content}`);
    return content.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  };
  const value = (): PlistValue => {
    const token = next();
    if (token === '<true/>') return true;
    if (token === '<false/>') return false;
    if (token === '<string>') return text_('</string>');
    if (token === '<integer>') {
      const digits = text_('</integer>');
      if (!/^-?\d+$/.test(digits)) throw new Error(`bad integer ${digits}`);
      return Number(digits);
    }
    if (token === '<array>') {
      const items: PlistValue[] = [];
      while (tokens.slice(at).find((candidate) => candidate.trim() !== '') !== '</array>') items.push(value());
      expect('</array>');
      return items;
    }
    if (token === '<dict>') {
      const dict: Record<string, PlistValue> = {};
      while (tokens.slice(at).find((candidate) => candidate.trim() !== '') !== '</dict>') {
        expect('<key>');
        const key = text_('</key>');
        dict[key] = value();
      }
      expect('</dict>');
      return dict;
    }
    throw new Error(`unexpected ${token}`);
  };
  expect('<plist version="1.0">');
  const root = value();
  expect('</plist>');
  if (tokens.slice(at).some((token) => token.trim() !== '')) throw new Error('text after </plist>');
  if (typeof root !== 'object' || Array.isArray(root)) throw new Error('the root is not a dict');
  return root;
}
