import type { Config } from "../config.js";
import type { Db } from "../db/index.js";
import { enqueue } from "../mail/outbox.js";
import { checkpointIfDue, headLine, writeCheckpoint, type Checkpoint } from "./anchor.js";

type CheckpointConfig = Pick<Config, "AUDIT_ANCHOR_EMAIL" | "AUDIT_CHECKPOINT_MINUTES" | "SMTP_URL" | "sessionSecret">;

/** Mails a checkpoint's head line to the auditor's address, when one is configured, in the checkpoint's transaction. */
function send(db: Db, config: CheckpointConfig, c: Checkpoint): void {
  if (!config.AUDIT_ANCHOR_EMAIL) return;
  enqueue(db, config, {
    to: config.AUDIT_ANCHOR_EMAIL,
    kind: "audit_head",
    subject: `Truecost audit head: entry ${c.entryId} (${c.reason})`,
    body: [
      "Keep this line where Truecost's operators cannot change it. Checking the audit log against it",
      '(truecost audit verify --head "LINE") shows whether any entry up to this one was removed or rewritten since.',
      "",
      headLine(c),
    ].join("\n"),
  });
}

/** A keyed checkpoint now (a backup, an operator's request), mailed to the auditor when configured. */
export function checkpointNow(db: Db, config: CheckpointConfig, reason: string): Checkpoint {
  return db
    .transaction(() => {
      const c = writeCheckpoint(db, reason);
      send(db, config, c);
      return c;
    })
    .immediate();
}

/** The interval's checkpoint, when the log moved and the last one is old enough. */
export function checkpointOnSchedule(db: Db, config: CheckpointConfig): Checkpoint | null {
  return db
    .transaction(() => {
      const c = checkpointIfDue(db, config.AUDIT_CHECKPOINT_MINUTES);
      if (c) send(db, config, c);
      return c;
    })
    .immediate();
}
