// A stand-in for the webhook door's thread (src/app/door-thread.ts) that speaks its protocol
// to start-door.ts and dies on request: GET /die throws an uncaught error on this thread.
// Every other request is answered with this thread's id, so a test sees which thread answered.
import { createServer } from "node:http";
import { parentPort, threadId, workerData } from "node:worker_threads";

const server = createServer((req, res) => {
  if (req.url === "/die") {
    res.end("dying");
    setImmediate(() => {
      throw new Error("told to die");
    });
    return;
  }
  res.end(String(threadId));
});
server.listen(workerData.port, workerData.host ?? undefined, () => {
  const { port, address } = server.address();
  parentPort.postMessage({ t: "listening", port, address, url: `http://127.0.0.1:${port}` });
});
parentPort.on("message", (m) => {
  if (m.t === "close") server.close(() => parentPort.postMessage({ t: "closed" }));
});
