import { InputError } from '@backstage/errors';
import { assertInteger } from '../validation';
import {
  assertDescription,
  assertFirewallAddress,
  assertFirewallPort,
  assertSnapshotName,
  assertUpid,
} from '../validation/proxmoxValues';
import type { PveMethod } from './PveTransport';
import { digest, toFirewallRule } from './mapping';
import type {
  LxcFirewallOptions,
  LxcFirewallRule,
  LxcSnapshot,
  RrdPoint,
} from './types';

/** One PVE call, path relative to `/api2/json`. */
export type PveCall = (
  method: PveMethod,
  path: string,
  params?: Record<string, unknown>,
) => Promise<any>;

const POLICIES = ['ACCEPT', 'REJECT', 'DROP'];

/** The CT operations besides create and power: usage data, snapshots, firewall. */
export abstract class CtExtras {
  protected constructor(protected readonly call: PveCall) {}

  /** `/nodes/{node}/lxc/{vmid}` after validating the vmid. */
  protected abstract ctPath(vmid: number): string;

  async getRrdData(
    vmid: number,
    options: {
      timeframe?: 'hour' | 'day' | 'week' | 'month' | 'year';
      cf?: 'AVERAGE' | 'MAX';
    } = {},
  ): Promise<RrdPoint[]> {
    const timeframe = options.timeframe ?? 'hour';
    const cf = options.cf ?? 'AVERAGE';
    if (!['hour', 'day', 'week', 'month', 'year'].includes(timeframe))
      throw new InputError('timeframe: must be hour, day, week, month or year');
    if (!['AVERAGE', 'MAX'].includes(cf))
      throw new InputError('cf: must be AVERAGE or MAX');
    return (await this.call('GET', `${this.ctPath(vmid)}/rrddata`, {
      timeframe,
      cf,
    })) as RrdPoint[];
  }

  async listSnapshots(vmid: number): Promise<LxcSnapshot[]> {
    const list = (await this.call(
      'GET',
      `${this.ctPath(vmid)}/snapshot`,
    )) as Record<string, unknown>[];
    return list
      .filter(s => s.name !== 'current')
      .map(s => ({
        name: String(s.name),
        description: String(s.description ?? ''),
        snaptime: typeof s.snaptime === 'number' ? s.snaptime : undefined,
        parent: typeof s.parent === 'string' ? s.parent : undefined,
      }));
  }

  async createSnapshot(
    vmid: number,
    name: string,
    description?: string,
  ): Promise<string> {
    const snapname = assertSnapshotName(name);
    if (description !== undefined) assertDescription(description);
    return assertUpid(
      await this.call('POST', `${this.ctPath(vmid)}/snapshot`, {
        snapname,
        description,
      }),
    );
  }

  async deleteSnapshot(
    vmid: number,
    name: string,
    options: { force?: boolean } = {},
  ): Promise<string> {
    const snapname = assertSnapshotName(name);
    return assertUpid(
      await this.call('DELETE', `${this.ctPath(vmid)}/snapshot/${snapname}`, {
        force: options.force,
      }),
    );
  }

  async rollbackSnapshot(
    vmid: number,
    name: string,
    options: { start?: boolean } = {},
  ): Promise<string> {
    const snapname = assertSnapshotName(name);
    return assertUpid(
      await this.call(
        'POST',
        `${this.ctPath(vmid)}/snapshot/${snapname}/rollback`,
        { start: options.start },
      ),
    );
  }

  async getFirewallOptions(vmid: number): Promise<LxcFirewallOptions> {
    const o = (await this.call(
      'GET',
      `${this.ctPath(vmid)}/firewall/options`,
    )) as Record<string, unknown>;
    return {
      enable: o.enable === undefined ? undefined : Number(o.enable) === 1,
      policy_in: o.policy_in as LxcFirewallOptions['policy_in'],
      policy_out: o.policy_out as LxcFirewallOptions['policy_out'],
      digest: typeof o.digest === 'string' ? o.digest : undefined,
    };
  }

  async setFirewallOptions(
    vmid: number,
    options: LxcFirewallOptions,
  ): Promise<void> {
    if (
      options.policy_in !== undefined &&
      !POLICIES.includes(options.policy_in)
    )
      throw new InputError('policy_in: must be ACCEPT, REJECT or DROP');
    if (
      options.policy_out !== undefined &&
      !POLICIES.includes(options.policy_out)
    )
      throw new InputError('policy_out: must be ACCEPT, REJECT or DROP');
    if (options.enable !== undefined && typeof options.enable !== 'boolean')
      throw new InputError('enable: must be a boolean');
    await this.call('PUT', `${this.ctPath(vmid)}/firewall/options`, {
      enable: options.enable,
      policy_in: options.policy_in,
      policy_out: options.policy_out,
      digest: options.digest !== undefined ? digest(options.digest) : undefined,
    });
  }

  async listFirewallRules(vmid: number): Promise<LxcFirewallRule[]> {
    const list = (await this.call(
      'GET',
      `${this.ctPath(vmid)}/firewall/rules`,
    )) as Record<string, unknown>[];
    return list.map(toFirewallRule);
  }

  async createFirewallRule(vmid: number, rule: LxcFirewallRule): Promise<void> {
    if (!['in', 'out'].includes(rule.type))
      throw new InputError('type: must be in or out');
    if (!POLICIES.includes(rule.action))
      throw new InputError('action: must be ACCEPT, REJECT or DROP');
    if (
      rule.proto !== undefined &&
      !['tcp', 'udp', 'icmp', 'icmpv6'].includes(rule.proto)
    )
      throw new InputError('proto: must be tcp, udp, icmp or icmpv6');
    if (rule.dport !== undefined) assertFirewallPort(rule.dport, 'dport');
    if (rule.source !== undefined) assertFirewallAddress(rule.source, 'source');
    if (rule.dest !== undefined) assertFirewallAddress(rule.dest, 'dest');
    if (
      rule.comment !== undefined &&
      !/^[A-Za-z0-9 _.,:;()/+-]{0,200}$/.test(rule.comment)
    ) {
      throw new InputError(
        'comment: may contain only letters, digits, spaces and _ . , : ; ( ) / + - (max 200)',
      );
    }
    if (rule.pos !== undefined) assertInteger(rule.pos, 'pos', 0, 100_000);
    await this.call('POST', `${this.ctPath(vmid)}/firewall/rules`, {
      type: rule.type,
      action: rule.action,
      enable: rule.enable === false ? 0 : 1,
      proto: rule.proto,
      dport: rule.dport,
      source: rule.source,
      dest: rule.dest,
      comment: rule.comment,
      pos: rule.pos,
    });
  }

  async deleteFirewallRule(
    vmid: number,
    pos: number,
    options: { digest?: string } = {},
  ): Promise<void> {
    assertInteger(pos, 'pos', 0, 100_000);
    await this.call('DELETE', `${this.ctPath(vmid)}/firewall/rules/${pos}`, {
      digest: options.digest !== undefined ? digest(options.digest) : undefined,
    });
  }
}
