/**
 * Script checks are imported at validation, so a file that is missing, does not load or exports
 * no function is an exit-2 error at its line before any model is called. Node keeps the module,
 * so the run uses this very import.
 */
import { loadScript, ScriptLoadError } from '../score/script.js';
import type { DraftIssue } from './issues.js';
import type { Task } from './types.js';

export async function scriptRules(task: Task): Promise<DraftIssue[]> {
  const issues: DraftIssue[] = [];
  for (const [i, check] of task.checks.entries()) {
    if (check.type !== 'script') continue;
    try {
      await loadScript(check.url);
    } catch (error) {
      if (!(error instanceof ScriptLoadError)) throw error;
      issues.push({ path: ['checks', i, 'file'], message: error.message });
    }
  }
  return issues;
}
