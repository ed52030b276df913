/**
 * The decider pattern (Jérémie Chassaing, "Functional Event Sourcing Decider", 2021):
 * an aggregate is three pure functions and a value.
 *
 * - `initialState`: the state of a stream with no events.
 * - `evolve(state, event)`: the state after one event; total (never throws) for every
 *   event the decider itself emits, so replaying history cannot fail.
 * - `decide(command, state)`: the events a command causes, or a thrown `DomainError`
 *   naming the rule that rejects it. No I/O, no clock, no randomness: every time,
 *   identifier or price a decision needs arrives inside the command.
 */
export interface Decider<Command, Event, State> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): readonly Event[];
}

/** An event as deciders see it: a type tag and a JSON-serialisable payload. */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** A command as deciders see it: a type tag and its payload. */
export interface DomainCommand<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** Folds a history into a state with the decider's `evolve`, starting from `initialState`. */
export function fold<C, E, S>(decider: Decider<C, E, S>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}
