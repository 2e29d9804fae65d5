/** Reads a server-sent-event stream into parsed events, until a terminal event or the stream ends. */
export interface SseEvent {
  event: string;
  id?: string;
  data: unknown;
}

export async function readSse(response: Response, until: (event: SseEvent) => boolean = () => false): Promise<SseEvent[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const events: SseEvent[] = [];
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let boundary: number;
    while ((boundary = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((line) => line && !line.startsWith(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart()]),
      );
      if (!fields.event) continue;
      const event = { event: fields.event, id: fields.id, data: JSON.parse(fields.data ?? 'null') };
      events.push(event);
      if (until(event)) {
        await reader.cancel();
        return events;
      }
    }
  }
  return events;
}
