/** Reads a `text/event-stream` response into its events (name, data as text), for CLI commands that follow the server. */
export interface ServerEvent {
  name: string;
  data: string;
}

export async function* readEventStream(response: Response): AsyncGenerator<ServerEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      // Comment-only blocks (the heartbeat) carry no data.
      if (data.length > 0) yield { name, data: data.join('\n') };
    }
  }
}
