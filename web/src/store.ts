// A minimal observable value, enough for the few pieces of global state the UI has (language,
// the logged-in user, the current place, a one-shot flash message). No library needed.
import { useEffect, useReducer, useRef } from 'preact/hooks';

export interface Store<T> {
  get(): T;
  set(value: T): void;
  subscribe(fn: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let value = initial;
  const subs = new Set<() => void>();
  return {
    get: () => value,
    set(next: T) {
      if (Object.is(next, value)) return;
      value = next;
      for (const fn of [...subs]) fn();
    },
    subscribe(fn) {
      subs.add(fn);
      return () => {
        subs.delete(fn);
      };
    },
  };
}

/** Re-renders the calling component whenever the store changes; returns the current value. */
export function useStore<T>(store: Store<T>): T {
  const [, force] = useReducer((n: number) => n + 1, 0);
  const value = store.get();
  const rendered = useRef(value);
  rendered.current = value;
  useEffect(() => {
    const unsub = store.subscribe(() => force(0));
    // The store may have changed between this render and the subscription.
    if (!Object.is(store.get(), rendered.current)) force(0);
    return unsub;
  }, [store]);
  return value;
}
