package io.reelflow.config;

/** Remote video providers ({@code reelflow.providers.*}); each is turned on by configuring its key. */
public interface RemoteProvidersConfig {
    /** Any endpoint serving the OpenAI Videos API contract (OpenAI-compatible gateways, Azure OpenAI). */
    RemoteConfig openai();

    /** Google Veo through the Gemini API. */
    RemoteConfig veo();

    /** Replicate predictions (Kling, Wan). */
    RemoteConfig replicate();

    /** Kling's own API: {@code api-key} is the access key, {@code secret-key} signs the JWT sent with each call. */
    RemoteConfig kling();

    /** fal.ai's queue: many models (Kling, Wan, Veo, Seedance) behind one contract. */
    RemoteConfig fal();

    /** Runway's API (Gen-4.5). */
    RemoteConfig runway();
}
