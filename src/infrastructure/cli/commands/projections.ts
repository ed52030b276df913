import cliProgress from 'cli-progress';
import { projectionNamed, projections, projectionStatuses, rebuild, resetProjection, setPaused, type Projection, type ProjectionStatus, type RebuildProgress } from '../../../projections/index.js';
import { withRuntime } from '../session.js';

/** The projections named (or all of them with `all`). @throws Error for an unknown name */
export function selectProjections(name: string | undefined, all: boolean): Projection[] {
  if (all && name) throw new Error(`name a projection or pass --all, not both (got ${name} and --all)`);
  if (all) return [...projections];
  if (!name) throw new Error(`name a projection or pass --all; known: ${projections.map((p) => p.name).join(', ')}`);
  const projection = projectionNamed(name);
  if (!projection) throw new Error(`unknown projection ${name}; known: ${projections.map((p) => p.name).join(', ')}`);
  return [projection];
}

function statusLine(s: ProjectionStatus): string {
  const live = s.live ? `${s.live.checkpoint} lag ${s.live.lagEvents} events / ${s.live.lagSeconds.toFixed(1)} s (v${s.live.version ?? '?'} in ${s.live.schema})` : 'no live build';
  const building = s.building ? `; rebuilding v${s.building.version ?? '?'} in ${s.building.schema} at ${s.building.checkpoint}, ${s.building.lagEvents} events to go` : '';
  const error = s.error ? `; stopped at ${s.error.type} ${s.error.streamId}@${s.error.revision} (position ${s.error.position}): ${s.error.message}` : '';
  return `${s.name.padEnd(13)} v${s.version} ${s.status.padEnd(13)} ${live}${building}${error}`;
}

/**
 * `projections list [--json]`: each projection's name, code version, status (`running`,
 * `idle`, `paused`, `failed`, `needs-rebuild`), live checkpoint and lag (events and
 * seconds), a rebuild in progress, and the event that stopped it if any. Read-only (no migration).
 */
export async function listProjections(options: { json?: boolean } = {}): Promise<void> {
  await withRuntime(async (runtime) => {
    const statuses = await projectionStatuses(runtime.database.db, projections);
    if (options.json) console.log(JSON.stringify(statuses, null, 2));
    else for (const s of statuses) console.log(statusLine(s));
  }, { migrate: false });
}

/**
 * `projections rebuild NAME|--all [--batch-size N]`: blue/green rebuild (see `rebuild`):
 * builds new versions beside the live ones while queries keep reading them, with a
 * progress bar on stderr (`rebuildProgressBar`: events/s; percentage and ETA once the total
 * is counted), then switches atomically. A killed rebuild resumes where it stopped when
 * run again. Prints a JSON summary on stdout: `events` read
 * (of the types the projections handle), seconds, events/s, builds resumed, new live schemas.
 * @throws Error for an unknown name, a rebuild already running, or a poison event
 */
export async function rebuildProjections(name: string | undefined, options: { all?: boolean; batchSize?: number; progress?: boolean }): Promise<void> {
  const selected = selectProjections(name, options.all ?? false);
  await withRuntime(async (runtime) => {
    const bar = rebuildProgressBar(`rebuild ${selected.map((p) => p.name).join(',')}`, { stream: process.stderr, noTTYOutput: options.progress ?? false });
    const result = await rebuild(runtime.database.db, runtime.store, selected, {
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      onPhase: (line) => {
        bar.stop();
        console.error(line);
      },
      onProgress: (progress) => bar.update(progress),
    });
    bar.stop();
    console.log(
      JSON.stringify({
        projections: result.projections,
        events: result.events,
        seconds: Math.round(result.seconds * 1000) / 1000,
        eventsPerSecond: Math.round(result.events / Math.max(result.seconds, 0.001)),
        resumed: result.resumed,
        live: result.live,
      }),
    );
  });
}

/** The progress bar `rebuildProjections` draws; `update` starts it again after a `stop`. */
export interface RebuildProgressBar {
  update(progress: RebuildProgress): void;
  stop(): void;
}

/**
 * A rebuild's progress bar on `stream` (`cli-progress`; with `noTTYOutput`, a line every 2 s
 * when the stream is not a terminal): events read and events/s since the bar was made, and
 * the bar, percentage and ETA once the rebuild knows how many events there are to read.
 * Until then (`totalKnown` false) it shows `label | N events | R events/s | counting the
 * total…`: never a percentage of a total still being counted.
 */
export function rebuildProgressBar(label: string, options: { stream: NodeJS.WritableStream; noTTYOutput: boolean }): RebuildProgressBar {
  const known = `${label} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}`;
  const counting = `${label} | {value} events | {rate} events/s | counting the total…`;
  const bar = new cliProgress.SingleBar(
    {
      stream: options.stream,
      format: (opts, params, payload: { totalKnown?: boolean }) => cliProgress.Format.Formatter({ ...opts, format: payload.totalKnown ? known : counting }, params, payload),
      etaBuffer: 20,
      fps: 5,
      noTTYOutput: options.noTTYOutput,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let drawn = false;
  return {
    update({ done, total, totalKnown }) {
      const payload = { rate: Math.round(done / Math.max(0.001, (performance.now() - started) / 1000)), totalKnown };
      if (!drawn) {
        bar.start(Math.max(total, 1), done, payload);
        drawn = true;
      } else {
        bar.setTotal(Math.max(total, 1));
        bar.update(done, payload);
      }
    },
    stop() {
      if (drawn) bar.stop();
      drawn = false;
    },
  };
}

/** `projections pause NAME|--all`: its projector skips batches until `resume`. */
export async function pauseProjections(name: string | undefined, options: { all?: boolean }): Promise<void> {
  const selected = selectProjections(name, options.all ?? false);
  await withRuntime(async (runtime) => {
    for (const p of selected) await setPaused(runtime.database.db, p, true);
    console.log(JSON.stringify({ paused: selected.map((p) => p.name) }));
  });
}

/** `projections resume NAME|--all`: unpauses, and clears a recorded poison event so the projector retries it. */
export async function resumeProjections(name: string | undefined, options: { all?: boolean }): Promise<void> {
  const selected = selectProjections(name, options.all ?? false);
  await withRuntime(async (runtime) => {
    for (const p of selected) await setPaused(runtime.database.db, p, false);
    console.log(JSON.stringify({ resumed: selected.map((p) => p.name) }));
  });
}

/**
 * `projections reset NAME|--all`: empties the live build in place and moves its
 * checkpoint to the start; the running projector (or the next catch-up) replays the log
 * into it. Queries see it refill: use `rebuild` to keep answering from a full read model.
 */
export async function resetProjections(name: string | undefined, options: { all?: boolean }): Promise<void> {
  const selected = selectProjections(name, options.all ?? false);
  await withRuntime(async (runtime) => {
    for (const p of selected) await resetProjection(runtime.database.db, p);
    console.log(JSON.stringify({ reset: selected.map((p) => p.name) }));
  });
}
