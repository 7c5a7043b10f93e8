// Entry point: loads the stylesheet, finds out who is logged in, renders the app.
import { render } from 'preact';
import './styles.css';
import { App } from './App';
import { loadMe, placeStore, probeOutbox } from './session';
import { loadRegions } from './data';

const root = document.getElementById('app');
if (root) render(<App />, root);

void loadMe();
void probeOutbox();
// Default "current place" in the header: the region this installation serves.
loadRegions().then(
  (regions) => {
    const r = regions[0];
    if (r && !placeStore.get()) placeStore.set({ name: r.name, name_en: r.name_en, href: '/' });
  },
  () => {},
);
