"""The LLM stage: prompts, a structured-output client, a response cache, and the stage runner."""
