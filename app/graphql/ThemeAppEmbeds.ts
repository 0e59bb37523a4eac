/**
 * Is Kindly's chat embed switched on? App embeds live in the published theme's config/settings_data.json (as blocks
 * under `current`), so Kindly reads that one file of the MAIN theme. Needs `read_themes`.
 */
export const THEME_APP_EMBEDS_QUERY = `#graphql
  query ThemeAppEmbeds {
    themes(roles: [MAIN], first: 1) {
      nodes {
        id
        name
        files(filenames: ["config/settings_data.json"], first: 1) {
          nodes {
            filename
            body {
              ... on OnlineStoreThemeFileBodyText {
                content
              }
            }
          }
        }
      }
    }
  }
`;

export type ThemeAppEmbedsResult = {
  themes: {
    nodes: Array<{
      id: string;
      name: string;
      files: { nodes: Array<{ filename: string; body: { content?: string } }> } | null;
    }>;
  } | null;
};
