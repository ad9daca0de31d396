// Which lanes a worker passes over when it looks for its next job.
//
// An instance sends one installation's GitHub requests one at a time (github/pace-requests.ts):
// two jobs of one installation in one instance share that lane while another installation's
// lane in the same instance sits idle. So a worker first looks for a job of a lane with
// nothing running here; finding none, of a lane with at most one running here; and so on,
// until it takes whatever is runnable.
//
// Across instances: a second job of a lane is left to another instance that runs fewer of
// that lane, so that one installation's work is shared by the instances instead of held by
// whichever took its repositories first. The job waits for that instance's next free worker,
// which costs little: this instance's lane is busy with the job it already runs. Every lane
// keeps at least one job running here, so nothing ever waits on a peer that does not come.

/** Another instance that runs jobs, as the database last showed it: its jobs per lane. */
export type Peer = ReadonlyMap<string, number>;

export interface Look {
  /** The lanes to pass over; null: none. */
  lanes: string[] | null;
  /** Lanes passed over only because a peer runs fewer of them: it should take their jobs. */
  leftToPeers: string[];
  /** Finding nothing, look again at the next level: some lanes were passed over for running here. */
  again: boolean;
}

export interface LaneSpread {
  /** A job of these lanes started here. */
  started(lanes: readonly string[]): void;
  /** A job of these lanes ended here. */
  ended(lanes: readonly string[]): void;
  /** Lanes running anything here. */
  busy(): boolean;
  peers(peers: readonly Peer[]): void;
  /**
   * Look number `level` (1, 2, …) passes over the lanes with `level` or more jobs running
   * here, and (with `peers`) those a peer runs fewer of.
   */
  look(level: number, peers?: boolean): Look;
}

export function createLaneSpread(): LaneSpread {
  const running = new Map<string, number>();
  let peers: readonly Peer[] = [];
  return {
    started(lanes) {
      for (const l of lanes) running.set(l, (running.get(l) ?? 0) + 1);
    },
    ended(lanes) {
      for (const l of lanes) {
        const n = (running.get(l) ?? 0) - 1;
        if (n > 0) running.set(l, n);
        else running.delete(l);
      }
    },
    busy: () => running.size > 0,
    peers(p) {
      peers = p;
    },
    look(level, withPeers = true) {
      const lanes: string[] = [];
      const leftToPeers: string[] = [];
      for (const [lane, n] of running) {
        if (n >= level) lanes.push(lane);
        else if (withPeers && peers.some((p) => (p.get(lane) ?? 0) < n)) leftToPeers.push(lane);
      }
      const all = [...lanes, ...leftToPeers];
      return { lanes: all.length ? all : null, leftToPeers, again: lanes.length > 0 };
    },
  };
}

/** The lane of a delivery's job: the installation whose GitHub client makes its requests. */
export function installationLane(installationId: unknown): string | null {
  return typeof installationId === "number" && Number.isSafeInteger(installationId) ? `installation:${installationId}` : null;
}
