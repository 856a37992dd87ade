import type { ImageClient } from '../docker/image-client.js';
import type { InferModel, InferService } from './infer-model.js';

/**
 * The model with the ports each service's image exposes, for the services the file gives no port (`redis:7` listens
 * on 6379 by its image, with neither `expose:` nor `ports:`): the engine is asked for each image it holds, and never
 * pulls one. A port the file or a Traefik label gives is the service's own word, so an image's ports are read only
 * when there is none: an image's EXPOSE the service's configuration moved elsewhere would be a port nothing answers
 * on. Where the engine lacks the image, or cannot be asked, the service says why (`imageUnread`) and keeps no port.
 */
export async function addImagePorts(model: InferModel, images: Pick<ImageClient, 'exposedPorts'>): Promise<InferModel> {
  let unreachable: string | undefined;
  const services: InferService[] = [];
  for (const service of model.services) {
    const wanted = service.networkMode === undefined && service.ports.length === 0 && service.udpPorts.length === 0;
    const candidates = service.images ?? [];
    if (!wanted || candidates.length === 0) {
      services.push(service);
      continue;
    }
    if (unreachable !== undefined) {
      services.push({ ...service, imageUnread: unreachable });
      continue;
    }
    let found: { image: string; ports: { port: number; protocol: string }[] } | undefined;
    try {
      for (const image of candidates) {
        const ports = await images.exposedPorts(image);
        if (ports) {
          found = { image, ports };
          break;
        }
      }
    } catch (error) {
      // One engine for every image: once it cannot answer, the others are not asked.
      unreachable = `the engine could not be asked which ports its image exposes (${(error as Error).message})`;
      services.push({ ...service, imageUnread: unreachable });
      continue;
    }
    if (!found) {
      const names = candidates.join(' or ');
      services.push({
        ...service,
        imageUnread: `the engine has no image ${names}, so its exposed ports are unknown: pull or build it and infer again`,
      });
      continue;
    }
    const { image, ports: exposed } = found;
    const of = (protocol: string) => exposed.filter((p) => p.protocol === protocol).map((p) => p.port);
    if (of('tcp').length === 0 && of('udp').length === 0) {
      services.push({ ...service, imageUnread: `its image ${image} exposes no TCP or UDP port` });
      continue;
    }
    const origins = Object.fromEntries(
      exposed
        .filter((p) => p.protocol !== 'sctp')
        .map((p) => [`${p.port}/${p.protocol}`, `exposed by the image ${image}`]),
    );
    services.push({
      ...service,
      ports: of('tcp'),
      udpPorts: of('udp'),
      portOrigins: { ...service.portOrigins, ...origins },
    });
  }
  return { ...model, services };
}
