/**
 * A read-only array whose items are built when read: a listing of a million token rows hands
 * its pager `length` and `slice` without building a million records for the page it keeps.
 * Every array method works (they read `length` and indices, which the proxy answers).
 */
export function lazyArray<T>(length: number, itemAt: (index: number) => T): readonly T[] {
  const isIndex = (key: string | symbol): key is string => typeof key === 'string' && /^(0|[1-9][0-9]*)$/.test(key) && Number(key) < length;
  return new Proxy([] as T[], {
    get(target, key, receiver) {
      if (key === 'length') return length;
      if (isIndex(key)) return itemAt(Number(key));
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      return isIndex(key) || Reflect.has(target, key);
    },
    set() {
      return false;
    },
    deleteProperty() {
      return false;
    },
  });
}
