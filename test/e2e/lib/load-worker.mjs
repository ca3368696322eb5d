// Steady load from its own process: autocannon at a fixed rate against one loopback URL, bounded in time and count.
// argv[2]: JSON { url, rate, connections, maxSeconds, maxRequests }. Stops early on SIGTERM; prints one JSON result line.
import autocannon from 'autocannon';

const { url, rate, connections, maxSeconds, maxRequests } = JSON.parse(process.argv[2]);
if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])[:/]/.test(url)) throw new Error(`load target must be loopback: ${url}`);

let responses = 0;
const instance = autocannon({ url, connections, overallRate: rate, duration: maxSeconds, timeout: 10 }, (error, result) => {
  if (error) throw error;
  const errors = result.errors;
  process.stdout.write(
    `${JSON.stringify({ requests: result.requests.sent, non2xx: result.non2xx, errors, timeouts: result.timeouts, statusCodes: result.statusCodeStats })}\n`,
  );
});
instance.on('response', () => {
  if (++responses >= maxRequests) instance.stop();
});
process.on('SIGTERM', () => instance.stop());
// Tell the parent the load has started.
process.stdout.write('started\n');
