import { createHash } from 'node:crypto';
import type { RetellTranscriptUtterance } from '@retell-ops/retell';
import { timeScript, transcriptText, type ScriptLine } from '../transcript';

// A call's transcript as Retell keeps it: spoken lines (transcript_object) and, in
// transcript_with_tool_calls, the tool invocations and results between them (SDK `resources/call.ts`).

export interface ToolInvocationItem {
  role: 'tool_call_invocation';
  tool_call_id: string;
  name: string;
  /** stringified JSON */
  arguments: string;
}

export interface ToolResultItem {
  role: 'tool_call_result';
  tool_call_id: string;
  content: string;
  successful: boolean;
}

export type TranscriptItem = RetellTranscriptUtterance | ToolInvocationItem | ToolResultItem;

type Entry = { line: ScriptLine } | { tool: ToolInvocationItem | ToolResultItem };

/** The transcript fields of a call: transcript, transcript_object, transcript_with_tool_calls. */
export interface TranscriptFields {
  transcript: string;
  transcript_object: RetellTranscriptUtterance[];
  transcript_with_tool_calls: TranscriptItem[];
}

/** A growing conversation: lines and tool items in the order they happened; word timings follow the lines. */
export class Conversation {
  private readonly entries: Entry[] = [];
  private toolCalls = 0;

  constructor(private readonly callId: string) {}

  say(role: ScriptLine[0], content: string): void {
    this.entries.push({ line: [role, content] });
  }

  /** Records a tool invocation and returns its id (stable per call and position). */
  invoke(name: string, args: Record<string, unknown>): string {
    const id = `tool_call_${createHash('sha256').update(`${this.callId}:${this.toolCalls++}`).digest('hex').slice(0, 24)}`;
    this.entries.push({ tool: { role: 'tool_call_invocation', tool_call_id: id, name, arguments: JSON.stringify(args) } });
    return id;
  }

  result(toolCallId: string, content: string, successful: boolean): void {
    this.entries.push({ tool: { role: 'tool_call_result', tool_call_id: toolCallId, content, successful } });
  }

  get lines(): ScriptLine[] {
    return this.entries.flatMap((e) => ('line' in e ? [e.line] : []));
  }

  /** The transcript fields as they are now. */
  fields(): TranscriptFields {
    return transcriptFields(this.entries);
  }
}

/** Transcript fields of a scripted conversation with no tool calls. */
export function scriptFields(lines: readonly ScriptLine[]): TranscriptFields {
  return transcriptFields(lines.map((line) => ({ line })));
}

function transcriptFields(entries: readonly Entry[]): TranscriptFields {
  const { utterances } = timeScript(entries.flatMap((e) => ('line' in e ? [e.line] : [])));
  let next = 0;
  const items: TranscriptItem[] = entries.map((e) => ('line' in e ? utterances[next++] : e.tool));
  return { transcript: transcriptText(utterances), transcript_object: utterances, transcript_with_tool_calls: items };
}

/** The transcript fields after each turn change: the first k lines (and the tool items before line k+1), k = 1 … n-1. */
export function turnPrefixes(items: readonly TranscriptItem[]): TranscriptFields[] {
  const out: TranscriptFields[] = [];
  const isLine = (i: TranscriptItem) => i.role === 'agent' || i.role === 'user' || i.role === 'transfer_target';
  const lineIdx = items.map((i, n) => (isLine(i) ? n : -1)).filter((n) => n >= 0);
  for (let k = 1; k < lineIdx.length; k++) {
    const upTo = items.slice(0, lineIdx[k]);
    const utterances = upTo.filter(isLine) as RetellTranscriptUtterance[];
    out.push({ transcript: transcriptText(utterances), transcript_object: utterances, transcript_with_tool_calls: upTo });
  }
  return out;
}

/** The transcript fields once the first `lineCount` lines have been said (with the tool items among them). */
export function saidThrough(items: readonly TranscriptItem[], lineCount: number): TranscriptFields {
  const isLine = (i: TranscriptItem) => i.role === 'agent' || i.role === 'user' || i.role === 'transfer_target';
  let seen = 0;
  const upTo: TranscriptItem[] = [];
  for (const item of items) {
    if (isLine(item) && seen === lineCount) break;
    if (isLine(item)) seen++;
    upTo.push(item);
  }
  const utterances = upTo.filter(isLine) as RetellTranscriptUtterance[];
  return { transcript: transcriptText(utterances), transcript_object: utterances, transcript_with_tool_calls: upTo };
}
