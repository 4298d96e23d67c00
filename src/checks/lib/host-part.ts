/** hostPart brackets an IPv6 literal for URLs and Host headers. */
export function hostPart(addr: string): string {
  return addr.includes(':') ? `[${addr}]` : addr;
}
