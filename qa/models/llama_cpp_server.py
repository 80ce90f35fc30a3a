"""`python -m qa.models.llama_cpp_server ARGS`: llama-cpp-python's server, with two changes
made before it starts (each function below says why):

- the model is loaded without llama.cpp's repacked second copy of its weights;
- the prompt cache's saved states hold the model's state, not a copy of the logits.

On this project's 2-core machines the repacked copy cost 596 MiB of resident memory (the
mapped file stays resident beside it) and read prompts at 73-79 tokens/s against 99-117
without it; generation runs at the same 11-12 tokens/s either way
(`evals/measurements/2026-12-01-server-memory/`). Written by hand because no option of the
package reaches either.
"""

from __future__ import annotations


def without_repacking() -> None:
    """Make every model loaded in this process use its mapped weights as they are:
    llama.cpp's model parameters have the switch (`use_extra_bufts`, `--no-repack` in
    llama-server), but llama-cpp-python's `Llama` does not pass it through, so it is set in
    the default parameters `Llama` starts from."""
    import llama_cpp.llama_cpp as lib

    default_params = lib.llama_model_default_params
    if getattr(default_params, "without_repacking", False):
        return

    def params():
        p = default_params()
        p.use_extra_bufts = False
        return p

    params.without_repacking = True  # type: ignore[attr-defined]
    lib.llama_model_default_params = params


def lean_prompt_states() -> None:
    """Keep the prompt cache's saved states without a copy of the logits.

    The server's RAM prompt cache (`--cache True`) saves the model's state after every
    request and, before the next, restores the saved state sharing the longest prefix with
    the new prompt: a follow-up's rewrite prompt or a check no longer makes the next answer
    re-read the fixed start of the answer prompt. But `Llama.save_state` also copies the
    logits buffer (512 x 151,936 floats, 297 MiB) into every saved state, and `load_state`
    writes it back, though the next decode replaces them before anything is sampled (the
    restored state sets `_requires_eval`); and each save holds the state three times over
    while it copies it. These two keep only the model's own state (written once, read in
    place), the tokens and the seed. Written by hand: llama-cpp-python has no option for it.
    """
    import ctypes

    import llama_cpp.llama_cpp as lib
    import numpy as np
    from llama_cpp.llama import Llama, LlamaState

    if getattr(Llama.save_state, "lean", False):
        return
    stock_save, stock_load = Llama.save_state, Llama.load_state

    def save_state(self: Llama) -> LlamaState:
        if self._logits_all:  # log-probabilities read the saved logits: the package's own way
            return stock_save(self)
        ctx = self._ctx.ctx
        size = lib.llama_state_get_size(ctx)  # exact: about 28 KiB per token
        state = bytearray(size)  # written in place: one copy of the state, not three
        view = (ctypes.c_uint8 * size).from_buffer(state)
        used = lib.llama_state_get_data(ctx, view, size) if size else 0
        del view
        n_tokens = self.n_tokens
        if not 0 < used <= size:  # not saved (llama.cpp says 0): restoring it reads the prompt again
            used, n_tokens = 0, 0
        del state[used:]
        return LlamaState(input_ids=self.input_ids.copy(), scores=np.empty((0, 0), dtype=np.single),
                          n_tokens=n_tokens, llama_state=state, llama_state_size=used, seed=self._seed)

    def load_state(self: Llama, state: LlamaState) -> None:
        if self._logits_all or not isinstance(state.llama_state, bytearray):
            stock_load(self, state)
            return
        self.input_ids = state.input_ids.copy()
        self._requires_eval = True  # the next decode computes the logits again
        self._seed = state.seed
        size = state.llama_state_size
        restored = size > 0 and lib.llama_state_set_data(
            self._ctx.ctx, (ctypes.c_uint8 * size).from_buffer(state.llama_state), size) == size
        # a state that did not restore leaves no tokens behind: the prompt is read in full
        self.n_tokens = state.n_tokens if restored else 0

    save_state.lean = True  # type: ignore[attr-defined]
    Llama.save_state = save_state  # type: ignore[method-assign]
    Llama.load_state = load_state  # type: ignore[method-assign]


def main() -> None:
    without_repacking()
    lean_prompt_states()
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
