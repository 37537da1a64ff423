// Svelte compiler options for the Ponte UI (runes everywhere).
export default { compilerOptions: { runes: true } };
