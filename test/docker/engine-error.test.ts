import t from 'tap';
import { engineError } from '../../src/docker/engine-error.js';
import { DockerUnavailableError } from '../../src/errors/docker-unavailable-error.js';
import { DockprobeError, ErrorCodes, isDockprobeError } from '../../src/errors/dockprobe-error.js';

// What DockerodeEngine throws for a failed call: what the engine (or the way to it) said is wrapped; a programming
// error in our own code goes on unchanged, so the CLI reports it as an internal error, not as DP_DOCKER_API.

const ENDPOINT = 'unix:///var/run/docker.sock';
const id = 'a'.repeat(64);

t.test('an engine answer (an HTTP status) is DP_DOCKER_API in its own words', async (t) => {
  const answer = Object.assign(
    new Error('(HTTP code 500) server error - driver failed programming external connectivity'),
    {
      statusCode: 500,
      json: { message: 'driver failed programming external connectivity ' },
    },
  );
  const e = engineError(ENDPOINT, 'start container', id, answer);
  t.type(e, DockprobeError);
  t.match(e, {
    code: ErrorCodes.DOCKER_API,
    message: 'docker: start container aaaaaaaaaaaa failed (HTTP 500): driver failed programming external connectivity',
    cause: answer,
  });
  t.match(engineError(ENDPOINT, 'list networks', '', Object.assign(new Error('conflict'), { statusCode: 409 })), {
    message: 'docker: list networks failed (HTTP 409): conflict',
  });
});

t.test('a connection error is DockerUnavailableError', async (t) => {
  for (const error of [
    Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), { code: 'ECONNREFUSED', syscall: 'connect' }),
    Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    Object.assign(new Error('getaddrinfo EAI_AGAIN docker.internal'), { code: 'EAI_AGAIN', syscall: 'getaddrinfo' }),
  ]) {
    const e = engineError(ENDPOINT, 'list containers', '', error);
    t.type(e, DockerUnavailableError, String((error as NodeJS.ErrnoException).code));
    t.match(e, { code: ErrorCodes.DOCKER_UNAVAILABLE, endpoint: ENDPOINT, cause: error });
  }
});

t.test('a programming error is not the engine’s: it goes on unchanged', async (t) => {
  const bug = new TypeError("Cannot read properties of undefined (reading 'map')");
  t.equal(engineError(ENDPOINT, 'list networks', '', bug), bug);
  const plain = new Error('the host probe runs in-process, not in a container');
  t.equal(engineError(ENDPOINT, 'create container', id, plain), plain);
  t.equal(engineError(ENDPOINT, 'create container', id, 'a string'), 'a string');
  const invalidArg = Object.assign(new TypeError('The "path" argument must be of type string'), {
    code: 'ERR_INVALID_ARG_TYPE',
  });
  t.notOk(
    isDockprobeError(engineError(ENDPOINT, 'build image', '', invalidArg)),
    'a Node code without a system call is ours too',
  );
});

t.test('our own errors (a timeout) go on unchanged', async (t) => {
  const timeout = new DockprobeError(ErrorCodes.TIMEOUT, 'remove container aaaaaaaaaaaa: no answer within 30000 ms');
  t.equal(engineError(ENDPOINT, 'remove container', id, timeout), timeout);
});

t.test('a connection error names the call and the resource it was for, and the endpoint', async (t) => {
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
  const e = engineError(ENDPOINT, 'remove container', id, reset);
  t.type(e, DockerUnavailableError);
  t.match(e, {
    code: ErrorCodes.DOCKER_UNAVAILABLE,
    message: `remove container aaaaaaaaaaaa: cannot reach the Docker daemon at ${ENDPOINT} (ECONNRESET)`,
  });
  t.match(engineError(ENDPOINT, 'list networks', '', reset), {
    message: `list networks: cannot reach the Docker daemon at ${ENDPOINT} (ECONNRESET)`,
  });
});
