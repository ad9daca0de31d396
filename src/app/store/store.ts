import type { RuleId, Severity, Vector } from "../../vocabulary/index.js";

// The app's durable state behind one small async interface: SQLite for one instance (the
// default, no setting), PostgreSQL for several instances sharing one queue. The same
// conformance suite (test/app/store/store-conformance.test.ts) holds both to one behaviour.
// Nothing stored here may hold a key: payloads are reduced and redacted before they are enqueued.

export interface Delivery {
  id: string;
  name: string;
  /** The webhook body with every key-shaped string redacted. */
  payload: string;
  attempts: number;
}

export type DeliveryState = "pending" | "running" | "done" | "failed";


export interface RepoRecord {
  fullName: string;
  installationId: number;
  /** Set once the full history has been scanned (first sight). */
  historyScannedAt: string | null;
}

/** What the re-check last found for an incident; null fields were not computed. */
export interface IncidentStatus {
  inDefaultBranchTip: boolean;
  inHistory: boolean;
  /** For a dotenv leak: whether the path is ignored by the tip's .gitignore files. */
  pathIgnored: boolean | null;
  checkedAt: string;
  checkedCommit: string;
}

export interface Incident {
  id: number;
  repo: string;
  fingerprint: string;
  rule: RuleId;
  severity: Severity;
  redacted: string | null;
  vector: Vector;
  path: string;
  /** Inside an archive at `path`: the member the key is in (`config/.env`, `lib/a.jar!app.properties`), `line` being that member's. */
  member: string | null;
  line: number;
  commit: string | null;
  ref: string | null;
  pusher: string | null;
  /** Issue references of the incidents whose key this one replaced, leaking the same way. */
  replacementOf: string | null;
  issueRepo: string;
  issueNumber: number;
  state: "open" | "closed";
  status: IncidentStatus | null;
  openedAt: string;
}

export type NewIncident = Omit<Incident, "id" | "state" | "status" | "openedAt">;

export interface NewDelivery {
  id: string;
  name: string;
  /** The fields the job needs, every string redacted (see handlers/stored-payload.ts). */
  payload: string;
  /** SHA-256 (hex) of the raw body as signed: the same body under another delivery id is a replay. */
  digest?: string;
  /**
   * Deliveries with the same key never run at the same time, in any instance: the
   * repository they touch (its mirror, its incidents). null: no such constraint.
   */
  key?: string | null;
  /**
   * The GitHub client the job's requests go through (installationLane): an instance spreads
   * its workers over lanes (spread-lanes.ts). null: none.
   */
  lane?: string | null;
}

export interface Store {
  readonly kind: "sqlite" | "postgres";
  /** Records a delivery; false when this delivery id, or this body digest, was seen before (redelivery, replay). */
  enqueue(d: NewDelivery): Promise<boolean>;
  deliveryState(id: string): Promise<DeliveryState | null>;
  /** Deliveries accepted and not yet done or failed, in every instance. */
  unfinished(): Promise<number>;
  /**
   * Deletes deliveries that finished (done or failed) before `cutoff.deliveries`, and body
   * digests recorded before `cutoff.digests`; pending and running deliveries are kept.
   */
  purge(cutoff: { deliveries: Date; digests: Date }): Promise<{ deliveries: number; digests: number }>;

  getRepo(fullName: string): Promise<RepoRecord | null>;
  saveRepo(r: RepoRecord): Promise<void>;
  /**
   * The ref tips the app has scanned in a repository, ref -> object: everything each reaches
   * was scanned by a delivery that completed. At most one tip per ref name (the latest).
   */
  scannedTips(fullName: string): Promise<Map<string, string>>;
  /** Records tips: ref -> object, or null to forget the ref; `replace` forgets every other ref first (first sight). */
  recordTips(fullName: string, tips: ReadonlyMap<string, string | null>, replace?: boolean): Promise<void>;

  findIncident(repo: string, fingerprint: string): Promise<Incident | null>;
  openIncidents(repo: string): Promise<Incident[]>;
  addIncident(i: NewIncident): Promise<Incident>;
  updateIncident(id: number, patch: { state?: Incident["state"]; status?: IncidentStatus }): Promise<void>;

  close(): Promise<void>;
}
