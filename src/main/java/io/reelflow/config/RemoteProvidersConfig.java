package io.reelflow.config;

/** Remote video providers ({@code reelflow.providers.*}); each is turned on by configuring its key. */
public interface RemoteProvidersConfig {
    /** Any endpoint serving the OpenAI Videos API contract (OpenAI-compatible gateways, Azure OpenAI). */
    RemoteConfig openai();

    /** Google Veo through the Gemini API. */
    RemoteConfig veo();

    /** Replicate predictions (Kling, Wan). */
    RemoteConfig replicate();
}
