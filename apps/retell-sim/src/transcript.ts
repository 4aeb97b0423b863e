import type { RetellTranscriptUtterance } from '@retell-ops/retell';

export type Role = 'agent' | 'user';
export type ScriptLine = readonly [Role, string];

// "José" is deliberate: non-ASCII text catches receivers that re-encode the body before verifying.
const OPENING: ScriptLine[] = [
  ['agent', 'Hi, this is Ava calling from Bayside Dental. Am I speaking with José?'],
  ['user', "Yes, this is José. What's this about?"],
  ['agent', "I'm calling to confirm your cleaning appointment on Thursday at 3 PM. Does that time still work for you?"],
  ['user', 'Thursday at three should be fine, yes.'],
];

/** Agent/user pairs cycled to make a conversation as long as asked. */
const MIDDLE: ScriptLine[] = [
  ['agent', 'Great. Would you like a text reminder the day before your visit?'],
  ['user', 'Sure, a text reminder would help.'],
  ['agent', 'Done. Is the mobile number ending in 0123 still the best one to reach you?'],
  ['user', "Yes, that's still my number."],
  ['agent', 'Perfect. Have there been any changes to your insurance since your last visit?'],
  ['user', "No, it's the same plan as before."],
  ['agent', 'Thanks. Please remember to arrive about ten minutes early to check in at the front desk.'],
  ['user', "Okay, I'll make sure to get there a bit early."],
  ['agent', 'Is there anything you would like the hygienist to know before your appointment?'],
  ['user', 'My left molar has been a little sensitive to cold drinks lately.'],
  ['agent', "Thank you for letting me know. I'll add a note about the sensitivity to your chart."],
  ['user', 'Great, thanks for that.'],
];

const CLOSING: Record<Role, string> = {
  agent: "You're all set for Thursday at 3 PM. Thanks for your time, José, and have a great day. Goodbye!",
  user: "That's everything I needed, thanks. Bye!",
};

const VOICEMAIL: ScriptLine[] = [
  ['user', "Hi, you've reached José. I can't come to the phone right now, please leave a message after the tone."],
  ['agent', 'Hi José, this is Ava from Bayside Dental calling about your appointment on Thursday at 3 PM. Please call us back when you can. Goodbye.'],
];

const TRANSFER_REQUEST: ScriptLine[] = [
  ['agent', 'Hi, this is Ava calling from Bayside Dental. Am I speaking with José?'],
  ['user', 'Yes. Actually, could I talk to someone at the front desk about my bill?'],
  ['agent', 'Of course. Let me transfer you to the front desk now, please hold.'],
];

/** A call the agent transfers after the third line; when the transfer fails the agent comes back and ends the call. */
export function transferScript(bridged: boolean): ScriptLine[] {
  if (bridged) return [...TRANSFER_REQUEST];
  return [
    ...TRANSFER_REQUEST,
    ['agent', "I'm sorry, no one at the front desk is available right now. They will call you back today."],
    ['user', 'Okay, thanks.'],
    ['agent', 'Thank you for your patience, José. Goodbye!'],
  ];
}

/** `turns` alternating utterances starting with the agent; the last one says goodbye. */
export function conversationScript(turns: number): ScriptLine[] {
  const n = Math.max(1, Math.floor(turns));
  const lines: ScriptLine[] = [];
  for (let i = 0; i < n; i++) {
    const role: Role = i % 2 === 0 ? 'agent' : 'user';
    if (n > 2 && i === n - 1) lines.push([role, CLOSING[role]]);
    else if (i < OPENING.length) lines.push(OPENING[i]);
    else lines.push(MIDDLE[(i - OPENING.length) % MIDDLE.length]);
  }
  return lines;
}

export function voicemailScript(): ScriptLine[] {
  return [...VOICEMAIL];
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

export interface TimedTranscript {
  utterances: RetellTranscriptUtterance[];
  /** seconds of audio until the last word ends */
  endSec: number;
}

/** Word timings in seconds of call audio, as Retell's transcript_object carries them. */
export function timeScript(lines: readonly ScriptLine[], firstWordSec = 0.6, turnGapSec = 0.9): TimedTranscript {
  let t = firstWordSec;
  const utterances = lines.map(([role, content], index) => {
    if (index > 0) t += turnGapSec;
    const words = content.split(/\s+/).map((word) => {
      const start = t;
      const end = t + 0.12 + 0.045 * word.length;
      t = end + 0.06;
      return { word, start: round3(start), end: round3(end) };
    });
    t -= 0.06;
    return { role, content, words };
  });
  return { utterances, endSec: lines.length ? round3(t) : 0 };
}

/** Retell's plain transcript: one `Agent: …` / `User: …` line per utterance. */
export function transcriptText(utterances: readonly RetellTranscriptUtterance[]): string {
  const label = { agent: 'Agent', user: 'User', transfer_target: 'Transfer Target' } as const;
  return utterances.map((u) => `${label[u.role]}: ${u.content}\n`).join('');
}
