import type { NamedParameter, SgdParameterGroup } from '@cnnkit/contracts';

/** One group as the optimizer uses it: its parameters, learning rate and weight decay. */
export interface ResolvedSgdGroup {
  readonly parameters: readonly NamedParameter[];
  /** The optimizer's lr times the group's `lrScale`. */
  readonly lr: number;
  readonly weightDecay: number;
}

function checkGroup(group: SgdParameterGroup, index: number): void {
  for (const [name, value] of Object.entries({
    lrScale: group.lrScale,
    weightDecay: group.weightDecay,
  })) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(
        `SGD group ${index} ${name} must be a finite number >= 0, got ${String(value)}.`,
      );
    }
  }
  for (const list of ['kinds', 'names'] as const) {
    const values = group[list];
    if (values !== undefined && !Array.isArray(values)) {
      throw new TypeError(
        `SGD group ${index} ${list} must be an array, got ${JSON.stringify(values)}.`,
      );
    }
  }
}

/**
 * Splits `parameters` into torch-style parameter groups: each parameter goes to the first of
 * `groups` that lists its kind or name, else to the default group (`lr`, `weightDecay`), which
 * comes last. Groups without parameters are dropped; a listed name that matches no parameter
 * is an error (a typo would otherwise silently train with the default settings).

 */
export function resolveSgdGroups(
  parameters: readonly NamedParameter[],
  defaults: { readonly lr: number; readonly weightDecay: number },
  groups: readonly SgdParameterGroup[],
): ResolvedSgdGroup[] {
  groups.forEach(checkGroup);
  const members: NamedParameter[][] = groups.map(() => []);
  const rest: NamedParameter[] = [];
  for (const parameter of parameters) {
    const index = groups.findIndex(
      (group) =>
        (parameter.kind !== undefined && group.kinds?.includes(parameter.kind)) ||
        group.names?.includes(parameter.name),
    );
    (index < 0 ? rest : (members[index] as NamedParameter[])).push(parameter);
  }
  const known = new Set(parameters.map((p) => p.name));
  const unknown = groups.flatMap((group) => (group.names ?? []).filter((n) => !known.has(n)));
  if (unknown.length > 0) {
    throw new Error(
      `SGD groups name parameters the model does not have: ${unknown.join(', ')}; use state_dict names such as ${[...known].slice(0, 3).join(', ')}.`,
    );
  }
  const resolved = groups.map((group, i) => ({
    parameters: members[i] as NamedParameter[],
    lr: defaults.lr * (group.lrScale ?? 1),
    weightDecay: group.weightDecay ?? defaults.weightDecay,
  }));
  resolved.push({ parameters: rest, ...defaults });
  return resolved.filter((group) => group.parameters.length > 0);
}
