import type { RouteTable } from "./route-types.js";
import { appRoutes } from "./routes-app.js";
import { checkRoutes } from "./routes-checks.js";
import { commentRoutes } from "./routes-comments.js";
import { issueRoutes } from "./routes-issues.js";
import { labelRoutes } from "./routes-labels.js";
import { repoRoutes } from "./routes-repos.js";

/** Every operation the double simulates; any other spec operation is answered 501 + a violation. */
export const ROUTES: RouteTable = { ...appRoutes, ...repoRoutes, ...checkRoutes, ...issueRoutes, ...commentRoutes, ...labelRoutes };
