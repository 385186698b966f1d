import { mount } from 'svelte';
import FacilitatorSheet from './ui/sheet/FacilitatorSheet.svelte';
import './ui/styles.css';

const target = document.getElementById('sheet');
if (!target) throw new Error('#sheet is missing from sheet.html');
export default mount(FacilitatorSheet, { target });
