/** Splits `provider/model` into its parts (the model part may itself contain slashes). */
export function splitModelId(model: string): { provider: string; model: string } | null {
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) return null;
  return { provider: model.slice(0, slash), model: model.slice(slash + 1) };
}
