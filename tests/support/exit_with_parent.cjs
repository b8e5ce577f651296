// Preloaded into the test backend (`node --require`). The test process holds the write end of
// this process's stdin; when it closes it (Backend's Drop) or exits, however it exits, stdin
// ends and the backend stops as on SIGTERM (server.mjs then removes its temp dir). Needed
// because Rust never drops statics (the backend shared by a test binary) and a crash or a
// killed `cargo test` skips Drop entirely.
function stop() {
  setTimeout(() => process.exit(0), 2000).unref(); // if a graceful stop hangs
  process.kill(process.pid, 'SIGTERM');
}
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
// Watching stdin must not keep alive a script that would otherwise exit (so its failure shows).
process.stdin.unref?.();
