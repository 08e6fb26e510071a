// Hash routes (#/members/ID): the gateway serves one index.html, and a hash needs no server routes.
// A dozen lines rather than a router library: the console has flat routes and no nested layouts.
import { useEffect, useState } from 'react';

export function currentRoute(): string[] {
  return window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export function navigate(...parts: string[]): void {
  window.location.hash = '/' + parts.map(encodeURIComponent).join('/');
}

export function useRoute(): string[] {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const onChange = () => setRoute(currentRoute());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
