import { afterAll } from 'vitest';
import { removeWorkdirs } from './helpers/cli.js';

// Every test file leaves /tmp as it found it: the directories its tests made with workdir() go.
afterAll(removeWorkdirs);
