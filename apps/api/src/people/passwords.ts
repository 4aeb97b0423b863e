import { Algorithm, hash, verify } from '@node-rs/argon2';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';

/**
 * Password hashes: argon2id (@node-rs/argon2) with its defaults, which are OWASP's recommended
 * minimum (19 MiB, 2 passes, 1 lane); the PHC string carries salt and parameters, so they can be
 * raised later without breaking stored hashes.
 */
@Injectable()
export class Passwords {
  /** A hash of a random password, verified against when the email is unknown, so that answer takes as long as a wrong password. */
  private dummy?: Promise<string>;

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
    this.dummy ??= this.hash(randomBytes(24).toString('base64url'));
    await this.verify(await this.dummy, password);
    return false;
  }
}
