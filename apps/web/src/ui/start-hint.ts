import type { BackendName, BackendStatus } from '../protocol.js';

/** What decides whether Start can be pressed. */
export interface StartState {
  readonly phase: 'starting' | 'idle' | 'busy' | 'switching' | 'training' | 'paused';
  /** In the 'busy' phase, what it waits for ("the archive is read"). */
  readonly busyWith: string;
  readonly dataReady: boolean;
  /** The backend the model lives on, once one passed its check. */
  readonly activeBackend: BackendName | undefined;
  /** Every backend's state, in the order they are checked. */
  readonly backends: ReadonlyMap<BackendName, BackendStatus['state']>;
}

/** The backends still being checked, in the order they are checked. */
export function stillChecking(
  backends: ReadonlyMap<BackendName, BackendStatus['state']>,
): BackendName[] {
  return [...backends].filter(([, state]) => state === 'checking').map(([name]) => name);
}

/**
 * The line beside Start: why it cannot be pressed yet, or on what it trains when it can.
 * Empty while a run is going (the training status speaks then).
 */
export function startHint(state: StartState): string {
  const { phase } = state;
  if (phase === 'training' || phase === 'paused') return '';
  if (state.activeBackend === undefined) {
    const [checking] = stillChecking(state.backends);
    if (checking !== undefined) {
      return `Start unlocks when a backend has passed its check (checking ${checking}…).`;
    }
    if (state.backends.size > 0 && phase !== 'starting') {
      return 'No backend passed its check in this browser: see the reasons under 1 · Backend.';
    }
    return 'Start unlocks when a backend has passed its check.';
  }
  if (!state.dataReady) return 'Start unlocks when the data has loaded.';
  if (phase === 'starting') return 'Start unlocks when the untrained model has been evaluated.';
  if (phase === 'busy') return `Start unlocks when ${state.busyWith || 'this is done'}.`;
  if (phase === 'switching') return 'Start unlocks when the backend switch is done.';
  return `Ready: trains on ${state.activeBackend}.`;
}
