import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { starterTask } from '../../src/commands/init.js';
import { runCli, workdir } from '../helpers/cli.js';

describe('aijourney init', () => {
  it('writes a commented task.yaml that validates as written', async () => {
    const dir = await workdir();
    const res = await runCli(['init'], { cwd: dir, env: {} });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('Wrote task.yaml');
    expect(res.stdout).toContain('Set OPENAI_API_KEY');
    const text = await readFile(join(dir, 'task.yaml'), 'utf8');
    expect(text).toMatch(/^# /);
    expect(text).toContain('aijourney label task.yaml');
    const valid = await runCli(['validate', 'task.yaml'], { cwd: dir });
    expect(valid.code, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('task "task"');
  });

  it('names the file, offers the providers whose keys are set, and refuses to overwrite', async () => {
    const dir = await workdir();
    const res = await runCli(['init', 'triage'], { cwd: dir, env: { ANTHROPIC_API_KEY: 'k' } });
    expect(res.code, res.stderr).toBe(0);
    const text = await readFile(join(dir, 'triage.yaml'), 'utf8');
    expect(text).toContain('  - anthropic:claude-haiku-4-5');
    expect(text).not.toContain('  - openai:gpt-4o-mini');
    expect(text).toContain('model: anthropic:claude-sonnet-4-6');
    expect((await runCli(['validate', 'triage.yaml'], { cwd: dir })).code).toBe(0);

    await writeFile(join(dir, 'triage.yaml'), 'mine\n');
    const again = await runCli(['init', 'triage.yaml'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(await readFile(join(dir, 'triage.yaml'), 'utf8')).toBe('mine\n');
  });

  it('a described task with both providers validates too', async () => {
    const text = starterTask(
      { name: 'summaries', description: 'Summarize: a "support" email in one sentence.', providers: ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5'] },
      'summaries.yaml',
    );
    const dir = await workdir({ 'summaries.yaml': text });
    const res = await runCli(['validate', 'summaries.yaml'], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain('1 prompt(s) x 2 provider(s) x 3 example(s)');
  });
});
