import { Testing } from "cdktf";
import { stopPooledProviders } from "./provider-pool";

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toHaveDataSource...
Testing.setupJest();

// Terraform's provider processes pooled by this file's tests (support/provider-pool.ts) end with it.
afterAll(stopPooledProviders);
