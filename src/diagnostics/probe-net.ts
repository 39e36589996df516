/**
 * Network steps of the XKS proxy probe (DNS, TCP, TLS), each bounded by a timeout and an abort
 * signal, and the pure certificate assessment. Node-only.
 * @internal
 */
import { lookup } from "node:dns/promises";
import { isIP, connect as netConnect } from "node:net";
import { checkServerIdentity, type PeerCertificate, rootCertificates, connect as tlsConnect } from "node:tls";

/** Why a step ended without a result. @internal */
export type StepFailure = { readonly ok: false; readonly code: string; readonly ms: number };

const now = (): number => performance.now();
const round = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * Races `run` against a timeout and an abort signal; `cleanup` releases what `run` holds.
 * @internal
 */
export function bounded<T>(
  run: (settle: (value: T | StepFailure) => void) => () => void,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<T | StepFailure> {
  const started = now();
  return new Promise((resolve) => {
    let done = false;
    let cleanup: () => void = () => {};
    const settle = (value: T | StepFailure): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      cleanup();
      resolve(value);
    };
    const timer = setTimeout(
      () => settle({ ok: false, code: "TIMEOUT", ms: round(now() - started) }),
      timeoutMs,
    );
    const onAbort = (): void => settle({ ok: false, code: "ABORTED", ms: round(now() - started) });
    if (signal?.aborted) {
      onAbort();
      return;
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    cleanup = run(settle);
    if (done) cleanup();
  });
}

/** The resolved addresses of a host. @internal */
export interface Resolved {
  readonly ok: true;
  readonly addresses: readonly { readonly address: string; readonly family: number }[];
  readonly ms: number;
}

/**
 * Resolves a host name with the system resolver (an IP literal resolves to itself).
 * @internal
 */
export function resolveHost(
  hostname: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Resolved | StepFailure> {
  const started = now();
  const family = isIP(hostname);
  if (family !== 0) return Promise.resolve({ ok: true, addresses: [{ address: hostname, family }], ms: 0 });
  return bounded<Resolved>(
    (settle) => {
      lookup(hostname, { all: true, verbatim: true }).then(
        (addresses) => settle({ ok: true, addresses, ms: round(now() - started) }),
        (error: NodeJS.ErrnoException) =>
          settle({
            ok: false,
            code: typeof error.code === "string" ? error.code : "EDNS",
            ms: round(now() - started),
          }),
      );
      return () => {};
    },
    timeoutMs,
    signal,
  );
}

/**
 * Opens (and closes) a TCP connection.
 * @internal
 */
export function connectTcp(
  address: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<{ readonly ok: true; readonly ms: number } | StepFailure> {
  const started = now();
  return bounded(
    (settle) => {
      const socket = netConnect({ host: address, port });
      socket.once("connect", () => settle({ ok: true, ms: round(now() - started) }));
      socket.once("error", (error: NodeJS.ErrnoException) =>
        settle({
          ok: false,
          code: typeof error.code === "string" ? error.code : "ECONNECT",
          ms: round(now() - started),
        }),
      );
      return () => socket.destroy();
    },
    timeoutMs,
    signal,
  );
}

/** What a TLS handshake showed. @internal */
export interface TlsObservation {
  readonly ok: true;
  readonly ms: number;
  readonly protocol: string | null;
  readonly cipher: string | undefined;
  readonly authorized: boolean;
  readonly authorizationError: string | undefined;
  readonly subject: string | undefined;
  readonly issuer: string | undefined;
  readonly subjectAltName: string | undefined;
  readonly validFrom: Date | undefined;
  readonly validTo: Date | undefined;
  /** Set when the certificate does not name the host. */
  readonly nameError: string | undefined;
}

const nameOf = (dn: PeerCertificate["subject"] | undefined): string | undefined => {
  if (dn === undefined || dn === null) return undefined;
  const cn = (dn as unknown as Record<string, unknown>).CN;
  return typeof cn === "string" ? `CN=${cn}` : Array.isArray(cn) ? `CN=${cn.join(",")}` : undefined;
};

const dateOf = (text: string | undefined): Date | undefined => {
  if (text === undefined) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/**
 * Performs a TLS handshake without rejecting, and reports what it saw: protocol, chain trust, name
 * match and validity dates.
 * @internal
 */
export function inspectTls(options: {
  readonly address: string;
  readonly port: number;
  readonly hostname: string;
  readonly ca: string | Buffer | undefined;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
}): Promise<TlsObservation | StepFailure> {
  const started = now();
  const servername = isIP(options.hostname) === 0 ? options.hostname : undefined;
  return bounded<TlsObservation>(
    (settle) => {
      const socket = tlsConnect({
        host: options.address,
        port: options.port,
        ...(servername === undefined ? {} : { servername }),
        ...(options.ca === undefined ? {} : { ca: [...rootCertificates, options.ca.toString()] }),
        rejectUnauthorized: false,
      });
      socket.once("secureConnect", () => {
        const cert = socket.getPeerCertificate(false);
        const hasCert = cert !== null && typeof cert === "object" && Object.keys(cert).length > 0;
        const identityError = hasCert
          ? checkServerIdentity(options.hostname, cert)
          : new Error("no certificate");
        const authorizationError = socket.authorizationError as unknown;
        settle({
          ok: true,
          ms: round(now() - started),
          protocol: socket.getProtocol(),
          cipher: socket.getCipher()?.name,
          authorized: socket.authorized,
          authorizationError:
            authorizationError === null || authorizationError === undefined
              ? undefined
              : authorizationError instanceof Error
                ? ((authorizationError as NodeJS.ErrnoException).code ?? authorizationError.message)
                : String(authorizationError),
          subject: hasCert ? nameOf(cert.subject) : undefined,
          issuer: hasCert ? nameOf(cert.issuer) : undefined,
          subjectAltName: hasCert ? cert.subjectaltname : undefined,
          validFrom: hasCert ? dateOf(cert.valid_from) : undefined,
          validTo: hasCert ? dateOf(cert.valid_to) : undefined,
          nameError:
            identityError === undefined
              ? undefined
              : ((identityError as NodeJS.ErrnoException).code ?? identityError.message),
        });
      });
      socket.once("error", (error: NodeJS.ErrnoException) =>
        settle({
          ok: false,
          code: typeof error.code === "string" ? error.code : error.message,
          ms: round(now() - started),
        }),
      );
      return () => socket.destroy();
    },
    options.timeoutMs,
    options.signal,
  );
}

/** Days before a certificate expiry that the probe warns about. @internal */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Judges a TLS observation against KMS's requirements: TLS ≥ 1.2, a trusted chain, the host's name,
 * unexpired (with a warning under {@link EXPIRY_WARNING_DAYS} days).
 *
 * @param tls - The observation.
 * @param hostname - The endpoint's host.
 * @param nowMs - The current time (for the expiry).
 * @returns Pass or fail, and the evidence.
 * @internal
 */
export function assessTls(
  tls: TlsObservation,
  hostname: string,
  nowMs: number,
): { readonly pass: boolean; readonly evidence: string } {
  const problems: string[] = [];
  const notes: string[] = [];
  const protocol = tls.protocol ?? "unknown protocol";
  if (tls.protocol !== "TLSv1.2" && tls.protocol !== "TLSv1.3")
    problems.push(`${protocol} is older than TLS 1.2`);
  const days = tls.validTo === undefined ? undefined : Math.floor((tls.validTo.getTime() - nowMs) / DAY_MS);
  const expired =
    (days !== undefined && tls.validTo !== undefined && tls.validTo.getTime() < nowMs) ||
    tls.authorizationError === "CERT_HAS_EXPIRED";
  if (expired) {
    problems.push(
      `the certificate expired on ${tls.validTo?.toISOString().slice(0, 10) ?? "an unknown date"}` +
        (days === undefined ? "" : ` (${-days} days ago)`),
    );
  } else if (tls.validFrom !== undefined && tls.validFrom.getTime() > nowMs) {
    problems.push(`the certificate is not valid before ${tls.validFrom.toISOString().slice(0, 10)}`);
  }
  if (!tls.authorized && tls.authorizationError !== "CERT_HAS_EXPIRED") {
    problems.push(`the certificate chain is not trusted (${tls.authorizationError ?? "unverified"})`);
  }
  if (tls.nameError !== undefined) {
    problems.push(
      `the certificate does not name ${hostname} (it names ${tls.subjectAltName ?? tls.subject ?? "nothing"})`,
    );
  }
  const certificate = `certificate ${tls.subject ?? "(no subject CN)"} issued by ${tls.issuer ?? "(no issuer CN)"}`;
  if (!expired && days !== undefined && tls.validTo !== undefined) {
    notes.push(`valid until ${tls.validTo.toISOString().slice(0, 10)} (${days} days)`);
    if (days < EXPIRY_WARNING_DAYS) notes.push(`warning: it expires in ${days} days, renew it now`);
  }
  if (problems.length === 0) {
    notes.push("chain trusted", `name matches ${hostname}`);
  }
  const head = `${protocol}${tls.cipher === undefined ? "" : ` (${tls.cipher})`}, ${certificate}`;
  return {
    pass: problems.length === 0,
    evidence:
      problems.length === 0
        ? `${head}; ${notes.join("; ")}.`
        : `${head}: ${problems.join("; ")}${notes.length > 0 ? `; ${notes.join("; ")}` : ""}.`,
  };
}
