import { Router, type Request, type Response } from 'express';
import { blankForm, formRoute } from '../core/forms';
import { actorOf, guardedRouter, requireRole } from '../core/guards';
import { clientIp, noticeOf } from '../core/request-info';
import { refineDocument } from '../core/document-upload';
import { sendUpload } from '../core/file-response';
import type { UploadArea } from '../core/upload';
import { validate } from '../core/validate';
import { presentCapabilitySummary } from '../capabilities';
import { presentNeedSummary, type NeedLabelContext } from '../needs';
import type { OrganisationService } from '../organisations';
import type { RegionsService } from '../regions';
import type { TaxonomyService } from '../taxonomy';
import { presentCapabilityMatches, presentNeedMatches, presentThread, presentThreadView } from './matching.presenter';
import {
  RESPONSE_ATTACHMENT_UPLOAD,
  capabilityParams,
  invitationInput,
  messageInput,
  needParams,
  outcomeInput,
  responseAttachmentForm,
  responseInput,
  threadFileParams,
  threadParams,
  transitionInput,
} from './matching.schemas';
import type { MatchingService } from './matching.service';

const NOTICES = new Set(['responseInvited', 'responded', 'updated', 'messaged', 'outcome', 'responseAttached']);

export function matchingRoutes(deps: { matching: MatchingService; organisations: OrganisationService; regions: RegionsService; taxonomy: TaxonomyService; uploads: UploadArea }): Router {
  const router = guardedRouter(Router());
  const { matching } = deps;
  const members = requireRole('org-admin', 'org-member');
  const membersAndReviewers = requireRole('org-admin', 'org-member', 'organiser', 'platform-admin');

  async function labels(res: Response): Promise<NeedLabelContext> {
    return { locale: res.locals.locale, t: res.locals.t, domains: await deps.taxonomy.listDomains(), organisations: deps.organisations, regions: deps.regions };
  }

  const needMatchesLocals = async (req: Request, res: Response) => {
    const { id } = validate(needParams, req.params);
    return { ...presentNeedMatches(await matching.matchesForNeed(actorOf(req), id), await labels(res)), notice: noticeOf(req, NOTICES) };
  };

  router.get('/needs/:id/matches', membersAndReviewers, async (req, res) => {
    res.render('matching/need-matches', { ...(await needMatchesLocals(req, res)), ...blankForm() });
  });

  router.post(
    '/needs/:id/invitations',
    members,
    formRoute(
      'matching/need-matches',
      async (req, res) => {
        const { id } = validate(needParams, req.params);
        const input = validate(invitationInput, req.body);
        await matching.invite(actorOf(req), id, input, clientIp(req));
        res.redirect(303, `/needs/${id}/matches?notice=responseInvited`);
      },
      needMatchesLocals,
    ),
  );

  router.get('/capabilities/:id/matches', members, async (req, res) => {
    const { id } = validate(capabilityParams, req.params);
    res.render('matching/capability-matches', presentCapabilityMatches(await matching.matchesForCapability(actorOf(req), id), await labels(res)));
  });

  const respondLocals = async (req: Request, res: Response) => {
    const { id } = validate(needParams, req.params);
    const context = await matching.responseContext(actorOf(req), id);
    const label = await labels(res);
    return { need: presentNeedSummary(context.need, label), capabilities: context.capabilities.map((capability) => presentCapabilitySummary(capability, label)) };
  };

  router.get('/needs/:id/respond', members, async (req, res) => {
    res.render('matching/respond', { ...(await respondLocals(req, res)), ...blankForm({ capabilityId: typeof req.query.capability === 'string' ? req.query.capability : '' }) });
  });

  router.post(
    '/needs/:id/responses',
    members,
    formRoute(
      'matching/respond',
      async (req, res) => {
        const { id } = validate(needParams, req.params);
        const input = validate(responseInput, req.body);
        const thread = await matching.respond(actorOf(req), id, input, clientIp(req));
        res.redirect(303, `/responses/${thread.id}?notice=responded`);
      },
      respondLocals,
    ),
  );

  router.get('/responses', members, async (req, res) => {
    const [threads, context] = await Promise.all([matching.listThreads(actorOf(req)), labels(res)]);
    res.render('matching/responses', {
      asOwner: threads.filter((thread) => thread.side === 'owner').map((thread) => presentThread(thread, context)),
      asSupplier: threads.filter((thread) => thread.side === 'supplier').map((thread) => presentThread(thread, context)),
    });
  });

  const threadLocals = async (req: Request, res: Response) => {
    const { id } = validate(threadParams, req.params);
    return { ...presentThreadView(await matching.viewThread(actorOf(req), id), await labels(res)), notice: noticeOf(req, NOTICES) };
  };

  router.get('/responses/:id', membersAndReviewers, async (req, res) => {
    res.render('matching/thread', { ...(await threadLocals(req, res)), ...blankForm() });
  });

  router.post(
    '/responses/:id/status',
    members,
    formRoute(
      'matching/thread',
      async (req, res) => {
        const { id } = validate(threadParams, req.params);
        await matching.transition(actorOf(req), id, validate(transitionInput, req.body), clientIp(req));
        res.redirect(303, `/responses/${id}?notice=updated`);
      },
      threadLocals,
    ),
  );

  router.post(
    '/responses/:id/messages',
    members,
    formRoute(
      'matching/thread',
      async (req, res) => {
        const { id } = validate(threadParams, req.params);
        const { body } = validate(messageInput, req.body);
        await matching.postMessage(actorOf(req), id, body);
        res.redirect(303, `/responses/${id}?notice=messaged#messages`);
      },
      threadLocals,
    ),
  );

  router.post(
    '/responses/:id/outcome',
    members,
    formRoute(
      'matching/thread',
      async (req, res) => {
        const { id } = validate(threadParams, req.params);
        await matching.recordOutcome(actorOf(req), id, validate(outcomeInput, req.body), clientIp(req));
        res.redirect(303, `/responses/${id}?notice=outcome`);
      },
      threadLocals,
    ),
  );

  // Multipart: the CSRF token travels in the query string (see core/csrf.ts).
  router.post(
    '/responses/:id/attachments',
    members,
    formRoute(
      'matching/thread',
      async (req, res) => {
        const { id } = validate(threadParams, req.params);
        const received = await refineDocument(await deps.uploads.receive(req, res, RESPONSE_ATTACHMENT_UPLOAD));
        const { file } = validate(responseAttachmentForm, { ...req.body, file: received });
        await matching.addAttachment(actorOf(req), id, file, clientIp(req));
        res.redirect(303, `/responses/${id}?notice=responseAttached#attachments`);
      },
      threadLocals,
    ),
  );

  router.get('/responses/:id/attachments/:fileId', membersAndReviewers, async (req, res) => {
    const { id, fileId } = validate(threadFileParams, req.params);
    sendUpload(res, await matching.openAttachment(actorOf(req), id, fileId, clientIp(req)), 'attachment');
  });

  return router;
}
