// One section of the settings page: its title and description beside a card of fields. A section of
// its own (app/components/settings/<Name>Section.tsx) renders one of these and is one line on the page.
import { BlockStack, Card, Layout } from "@shopify/polaris";
import type { ReactNode } from "react";

export function SettingsSection({
  title,
  description,
  gap = "300",
  children,
}: {
  title: string;
  description: string;
  gap?: "300" | "400";
  children: ReactNode;
}) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      <Card>
        <BlockStack gap={gap}>{children}</BlockStack>
      </Card>
    </Layout.AnnotatedSection>
  );
}
