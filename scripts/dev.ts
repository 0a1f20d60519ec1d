import { launch } from "./support/launch";

void launch({ mode: "development" });
