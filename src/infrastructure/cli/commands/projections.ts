import { formatPosition } from '../../../application/ports/event-store.js';
import { projectionNamed, projections, readCheckpoint, resetProjection } from '../../../projections/index.js';
import { withRuntime } from '../session.js';

/** `projections list`: each projection's name and checkpoint. */
export async function listProjections(): Promise<void> {
  await withRuntime(async (runtime) => {
    for (const p of projections) console.log(`${p.name.padEnd(12)} checkpoint ${formatPosition(await readCheckpoint(runtime.database.db, p.name))}`);
  });
}

/**
 * `projections rebuild NAME`: empties the projection's tables and checkpoint, then replays
 * the whole log into it, printing events read and events per second.
 * @throws Error for an unknown projection name
 */
export async function rebuildProjection(name: string): Promise<void> {
  const projection = projectionNamed(name);
  if (!projection) throw new Error(`unknown projection ${name}; known: ${projections.map((p) => p.name).join(', ')}`);
  await withRuntime(async (runtime) => {
    const projector = runtime.projectors.find((p) => p.projection.name === name)!;
    const started = performance.now();
    await resetProjection(runtime.database.db, projection);
    const events = await projector.catchUp();
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify({ projection: name, events, seconds: Math.round(seconds * 1000) / 1000, eventsPerSecond: Math.round(events / seconds) }));
  });
}
