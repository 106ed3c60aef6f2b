// Named events with any number of handlers each; what the connection and the client announce goes through one.

export class Events {
  #handlers = new Map();

  /** Adds a handler; returns a function that removes it. */
  on(event, handler) {
    let handlers = this.#handlers.get(event);
    if (!handlers) {
      handlers = new Set();
      this.#handlers.set(event, handlers);
    }
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  emit(event, ...args) {
    for (const handler of [...(this.#handlers.get(event) ?? [])]) {
      try {
        handler(...args);
      } catch (error) {
        // A failing handler must not stop the caller; report it where uncaught errors go.
        queueMicrotask(() => { throw error; });
      }
    }
  }
}
