import { execFileSync } from 'node:child_process';
import { DockerComposeEnvironment } from 'testcontainers';

/**
 * Compose v2 (`docker compose`, a laptop's Docker Desktop) or v1 (`docker-compose`, this CI
 * machine): the same test runs on both. v1 names containers `<project>_<service>_1`,
 * v2 `<project>-<service>-1`.
 */
export type ComposeFlavour = { version: 2 } | { version: 1; executable: string };

export function detectCompose(): ComposeFlavour | undefined {
  const answers = (command: string, args: string[]) => {
    try {
      execFileSync(command, args, { stdio: 'ignore', timeout: 15_000 });
      return true;
    } catch {
      return false;
    }
  };
  if (answers('docker', ['compose', 'version'])) return { version: 2 };
  if (answers('docker-compose', ['version', '--short'])) return { version: 1, executable: 'docker-compose' };
  return undefined;
}

export function composeEnvironment(flavour: ComposeFlavour, dir: string, file: string): DockerComposeEnvironment {
  const environment = new DockerComposeEnvironment(dir, file);
  return flavour.version === 1 ? environment.withClientOptions({ executable: { standalone: true, executablePath: flavour.executable } }) : environment;
}

/** The name Testcontainers knows a service's (first) container by (it strips only v2's `<project>-`). */
export function serviceContainer(flavour: ComposeFlavour, project: string, service: string): string {
  return flavour.version === 1 ? `${project}_${service}_1` : `${service}-1`;
}
