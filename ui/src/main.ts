// Entry point: mounts the app into the page.

import { mount } from 'svelte';

import App from './App.svelte';
import './app.css';

performance.mark('hattama:script');
const target = document.getElementById('app');
if (target === null) {
  throw new Error('index.html has no #app element');
}

export default mount(App, { target });
