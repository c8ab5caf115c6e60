/**
 * Secrets for the command line come from the environment, or are asked for without echo on a
 * terminal. Never from flags: npm prints a script's command line back, and shells keep it in
 * their history and the process list shows it.
 */
export async function readSecret(
  variable: string,
  prompt: string,
  io: { env?: NodeJS.ProcessEnv; stdin?: NodeJS.ReadStream; stderr?: NodeJS.WriteStream } = {},
): Promise<string | undefined> {
  const env = io.env ?? process.env;
  const value = env[variable];
  if (value !== undefined && value !== '') return value;
  const stdin = io.stdin ?? process.stdin;
  if (!stdin.isTTY) return undefined;
  return askHidden(prompt, stdin, io.stderr ?? process.stderr);
}

function askHidden(prompt: string, stdin: NodeJS.ReadStream, out: NodeJS.WriteStream): Promise<string> {
  // Echo goes off before the prompt shows: a secret typed or pasted at once is never echoed.
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  out.write(`${prompt}: `);
  return new Promise((resolve) => {
    let typed = '';
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
      resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') {
          out.write('\n');
          process.exit(130);
        }
        typed = ch === '\u007f' || ch === '\b' ? typed.slice(0, -1) : typed + ch;
      }
    };
    stdin.on('data', onData);
  });
}
