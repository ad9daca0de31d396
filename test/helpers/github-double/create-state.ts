// The double's world: plain records tests can read and change. GitHub-shaped JSON is rendered
// from these on each response (render-*.ts, routes-*.ts), so a test asserts on simple fields.

export interface InstallationRecord {
  id: number;
  account: string;
  accountType: "Organization" | "User";
  repositorySelection: "all" | "selected";
  suspended: boolean;
}

export interface RepoRecord {
  id: number;
  owner: string;
  ownerType: "Organization" | "User";
  name: string;
  full_name: string;
  private: boolean;
  default_branch: string;
  /** Where git fetches from; point it at a loopback `git http-backend`. */
  clone_url: string;
  html_url: string;
  description: string | null;
  installationId: number | null;
  /** False: issue routes answer 410 "Issues are disabled for this repo". */
  has_issues: boolean;
  /** When set, check runs must name one of these commits (GitHub: 422 "No commit found for SHA"). */
  commits: Set<string> | null;
  /** When set, only these logins may be assigned (GitHub: 422 on anyone else). */
  assignable: Set<string> | null;
  /** Files served by the contents API on the default branch: path -> content. */
  files: Map<string, string | Buffer>;
  /** Files on other refs (branch, tag or sha), for `?ref=`. */
  filesByRef: Map<string, Map<string, string | Buffer>>;
}

export interface LabelRecord {
  id: number;
  repo: string;
  name: string;
  color: string;
  description: string | null;
}

export interface IssueRecord {
  id: number;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: "completed" | "reopened" | "not_planned" | "duplicate" | null;
  labels: string[];
  assignees: string[];
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
}

export interface CommentRecord {
  id: number;
  repo: string;
  issueNumber: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export interface AnnotationRecord {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  id: number;
  repo: string;
  name: string;
  head_sha: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  started_at: string;
  completed_at: string | null;
  details_url: string | null;
  external_id: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotations: AnnotationRecord[] };
}

export type Permissions = Record<string, "read" | "write">;

export interface TokenRecord {
  token: string;
  installationId: number;
  expiresAt: number;
  permissions: Permissions;
  /** Set when the token was requested for some repositories only. */
  repositoryIds: Set<number> | null;
}

export interface AddRepoInput {
  owner: string;
  /** Default: the owning installation's account type, else "Organization". */
  ownerType?: "Organization" | "User";
  name: string;
  private?: boolean;
  default_branch?: string;
  clone_url?: string;
  description?: string | null;
  installationId?: number | null;
  has_issues?: boolean;
  commits?: Iterable<string>;
  assignable?: Iterable<string>;
  files?: Record<string, string | Buffer>;
}

export interface GitHubState {
  installations: Map<number, InstallationRecord>;
  /** Keyed by lower-case full name: GitHub's names are case-insensitive. */
  repos: Map<string, RepoRecord>;
  issues: IssueRecord[];
  comments: CommentRecord[];
  checkRuns: CheckRunRecord[];
  labels: LabelRecord[];
  tokens: Map<string, TokenRecord>;
  addInstallation(input: { id?: number; account: string; accountType?: "Organization" | "User"; repositorySelection?: "all" | "selected" }): InstallationRecord;
  addRepo(input: AddRepoInput): RepoRecord;
  repo(fullName: string): RepoRecord | undefined;
  issuesOf(fullName: string): IssueRecord[];
  commentsOn(fullName: string, issueNumber: number): CommentRecord[];
  checkRunsOf(fullName: string): CheckRunRecord[];
  labelsOf(fullName: string): LabelRecord[];
  nextId(): number;
}

export function createState(): GitHubState {
  let lastId = 1_000;
  const state: GitHubState = {
    installations: new Map(),
    repos: new Map(),
    issues: [],
    comments: [],
    checkRuns: [],
    labels: [],
    tokens: new Map(),
    nextId: () => ++lastId,
    addInstallation(input) {
      const record: InstallationRecord = {
        id: input.id ?? state.nextId(),
        account: input.account,
        accountType: input.accountType ?? "Organization",
        repositorySelection: input.repositorySelection ?? "selected",
        suspended: false,
      };
      state.installations.set(record.id, record);
      return record;
    },
    addRepo(input) {
      const full_name = `${input.owner}/${input.name}`;
      const ownInstallation = [...state.installations.values()].find((i) => i.account.toLowerCase() === input.owner.toLowerCase());
      const installationId = input.installationId !== undefined ? input.installationId : (ownInstallation?.id ?? null);
      const record: RepoRecord = {
        id: state.nextId(),
        owner: input.owner,
        ownerType: input.ownerType ?? ownInstallation?.accountType ?? "Organization",
        name: input.name,
        full_name,
        private: input.private ?? false,
        default_branch: input.default_branch ?? "main",
        clone_url: input.clone_url ?? `https://github.com/${full_name}.git`,
        html_url: `https://github.com/${full_name}`,
        description: input.description ?? null,
        installationId,
        has_issues: input.has_issues ?? true,
        commits: input.commits ? new Set(input.commits) : null,
        assignable: input.assignable ? new Set(input.assignable) : null,
        files: new Map(Object.entries(input.files ?? {})),
        filesByRef: new Map(),
      };
      state.repos.set(full_name.toLowerCase(), record);
      return record;
    },
    repo: (fullName) => state.repos.get(fullName.toLowerCase()),
    issuesOf: (fullName) => state.issues.filter((i) => sameName(i.repo, fullName)),
    commentsOn: (fullName, n) => state.comments.filter((c) => sameName(c.repo, fullName) && c.issueNumber === n),
    checkRunsOf: (fullName) => state.checkRuns.filter((c) => sameName(c.repo, fullName)),
    labelsOf: (fullName) => state.labels.filter((l) => sameName(l.repo, fullName)),
  };
  return state;
}

export function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
