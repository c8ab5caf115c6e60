import type { CwCompanyInfo } from './types.ts';

export interface SiteAddress {
  /** Host (and port) members use, e.g. `na.myconnectwise.net`. */
  site: string;
  protocol: 'https' | 'http';
}

/** Manage's cloud hosts answer the REST API only on their `api-` twin. */
export function isCloudSite(site: string): boolean {
  return /(^|\.)myconnectwise\.net$/i.test(site) || /(^|\.)connectwisedev\.com$/i.test(site);
}

export function siteOrigin({ site, protocol }: SiteAddress): string {
  return `${protocol}://${site}`;
}

/**
 * `https://api-na.myconnectwise.net/v2025_1/apis/3.0` for cloud sites, the site itself for
 * self-hosted ones (commonly `/v4_6_release/`).
 */
export function apiBaseUrl(address: SiteAddress, info: Pick<CwCompanyInfo, 'Codebase' | 'IsCloud'>): string {
  const cloud = info.IsCloud || isCloudSite(address.site);
  const host = cloud && !address.site.startsWith('api-') ? `api-${address.site}` : address.site;
  const codebase = info.Codebase.replace(/^\/+/, '');
  return `${address.protocol}://${host}/${codebase}apis/3.0`;
}

/** Company-info answers per site and company, shared by every client of a process. */
export type SiteCache = Map<string, CwCompanyInfo>;
