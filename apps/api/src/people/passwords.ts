import { Algorithm, hash, verify } from '@node-rs/argon2';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/**
 * Password hashes: argon2id (@node-rs/argon2) with its defaults, which are OWASP's recommended
 * minimum (19 MiB, 2 passes, 1 lane); the PHC string carries salt and parameters, so they can be
 * raised later without breaking stored hashes.
 */
@Injectable()
export class Passwords implements OnModuleInit {
  /** A hash of a random password, verified against when the email is unknown, so that answer takes as long as a wrong password. */
  private dummy?: Promise<string>;

  /** Made at start, so even the first unknown email costs one verify and no more. */
  async onModuleInit(): Promise<void> {
    await this.dummyHash();
  }

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: Algorithm.Argon2id });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false; // a malformed stored hash matches nothing
    }
  }

  /** Spends the work of one verify and answers false. */
  async dummyVerify(password: string): Promise<false> {
    await this.verify(await this.dummyHash(), password);
    return false;
  }

  private dummyHash(): Promise<string> {
    this.dummy ??= this.hash(randomBytes(24).toString('base64url'));
    return this.dummy;
  }
}
