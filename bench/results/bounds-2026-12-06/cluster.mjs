// 2026-12-06 experiment (bench/results/bounds-2026-12-06/README.md): BENCH_SERVER_NODE_ARGS=<this file> makes peer start
// CLUSTER_N duban serve workers (default 2) behind one port with Node's cluster module (round robin). Not part of the app.
// experiment: N duban serve workers sharing one port (Node cluster, round robin)
import cluster from 'node:cluster'
const n = Number(process.env.CLUSTER_N ?? 2)
if (cluster.isPrimary) {
  for (let i = 0; i < n; i++) cluster.fork()
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill('SIGTERM'); setTimeout(() => process.exit(0), 3000) })
} else {
  const [dubanPath, ...rest] = process.argv.slice(2)
  process.argv = [process.argv[0], dubanPath, ...rest]
  await import(dubanPath)
}
