import { randomUUID } from 'node:crypto';
import { sha256Hex, type RandomSource } from '../crypto/index.js';
import type { Principal } from '../auth/principal.js';
import type { Store, TokenRecord } from '../store/index.js';
import { generateToken, parseToken } from './format.js';

/** Bearer token lifetimes, in milliseconds (normalised from `TokenOptions`). */
export interface TokenPolicy {
  accessMs: number;
  refreshMs: number;
  refreshReuseGraceMs: number;
  lastUsedIntervalMs: number;
}

export interface DevicePair {
  token: string;
  id: string;
  expiresAt: number;
  refreshToken: string;
}

/**
 * Personal access tokens and device logins with rotating refresh tokens. Only SHA-256 digests reach
 * the store; a value whose prefix or checksum is wrong is refused before any lookup.
 */
export class Tokens {
  constructor(
    private readonly store: Store,
    private readonly policy: TokenPolicy,
    private readonly random: RandomSource,
  ) {}

  /** The principal for an `Authorization: Bearer …` value, or `null` for anything that is not a live token. */
  async authenticate(token: string, now: number): Promise<Principal | null> {
    const kind = parseToken(token);
    if (kind !== 'personal' && kind !== 'device') return null;
    const record = await this.store.getTokenByHash(sha256Hex(token), now);
    if (record === null || (record.expiresAt !== null && now >= record.expiresAt)) return null;
    if (record.lastUsedAt === null || now - record.lastUsedAt >= this.policy.lastUsedIntervalMs) {
      await this.store.touchToken(record.id, now);
    }
    return { kind: 'token', userId: record.userId, tokenId: record.id, familyId: record.familyId, abilities: record.abilities };
  }

  async createPersonal(userId: string, name: string, abilities: string[], expiresAt: number | null, now: number): Promise<{ token: string; id: string }> {
    const token = generateToken('personal', this.random);
    const record: TokenRecord = {
      id: randomUUID(),
      secretHash: sha256Hex(token),
      userId,
      name,
      kind: 'personal',
      abilities,
      createdAt: now,
      expiresAt,
      lastUsedAt: null,
      familyId: null,
    };
    await this.store.createToken(record);
    return { token, id: record.id };
  }

  /** A device login: a short-lived access token and a refresh token, in a new family or an existing one. */
  async issueDevice(userId: string, name: string, now: number, familyId: string = randomUUID()): Promise<DevicePair> {
    const token = generateToken('device', this.random);
    const refreshToken = generateToken('refresh', this.random);
    const access: TokenRecord = {
      id: randomUUID(),
      secretHash: sha256Hex(token),
      userId,
      name,
      kind: 'device',
      abilities: ['*'],
      createdAt: now,
      expiresAt: now + this.policy.accessMs,
      lastUsedAt: null,
      familyId,
    };
    await this.store.createToken(access);
    await this.store.createRefreshToken({
      hash: sha256Hex(refreshToken),
      familyId,
      userId,
      accessTokenId: access.id,
      name,
      createdAt: now,
      expiresAt: now + this.policy.refreshMs,
      usedAt: null,
    });
    return { token, id: access.id, expiresAt: access.expiresAt!, refreshToken };
  }

  /**
   * Spends a refresh token for a new pair in the same family; the old access token stops working.
   * Presenting an already-spent refresh token revokes the whole family (reuse detection), unless it
   * comes within the configured grace window after the first spend (a lost response), which mints
   * another pair instead.
   */
  async refresh(refreshToken: string, now: number): Promise<DevicePair | null> {
    if (parseToken(refreshToken) !== 'refresh') return null;
    const spent = await this.store.consumeRefreshToken(sha256Hex(refreshToken), now);
    if (spent.status === 'not_found') return null;
    const { record } = spent;
    if (spent.status === 'reused') {
      // Grace 0 must mean "never": a replay within the same millisecond as the first spend is still a replay.
      const grace = this.policy.refreshReuseGraceMs;
      const withinGrace = grace > 0 && record.usedAt !== null && now - record.usedAt < grace;
      if (!withinGrace) {
        await this.store.deleteRefreshFamily(record.familyId);
        return null;
      }
    } else {
      await this.store.deleteToken(record.accessTokenId, record.userId);
    }
    return this.issueDevice(record.userId, record.name, now, record.familyId);
  }

  /** Revokes one of the user's tokens, with its refresh family for a device token; `false` if not theirs. */
  async revoke(userId: string, tokenId: string, now: number): Promise<boolean> {
    const token = (await this.store.listTokens(userId, now)).find((candidate) => candidate.id === tokenId);
    if (token === undefined) return this.store.deleteToken(tokenId, userId);
    if (token.familyId !== null) await this.store.deleteRefreshFamily(token.familyId);
    await this.store.deleteToken(tokenId, userId);
    return true;
  }
}
