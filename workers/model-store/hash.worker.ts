/// <reference lib="webworker" />
/** A download's hashing thread: hashing beside the network and the store instead of between them. */
import { serveHashing } from './hash-service';

declare const self: DedicatedWorkerGlobalScope;

serveHashing(self);
